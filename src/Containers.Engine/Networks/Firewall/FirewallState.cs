using Containers.Api;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Networks.Firewall;

/// <summary>
/// One of the engine's bridges as the firewall sees it: <paramref name="Internal"/> networks have no traffic in or out
/// but within the bridge; <paramref name="Masquerade"/> hides the subnet behind the host's address when leaving through
/// another interface; <paramref name="Icc"/> false drops traffic between two containers of the bridge.
/// </summary>
public sealed record FirewallBridge(string Name, Ipv4Prefix Subnet, bool Internal = false, bool Masquerade = true, bool Icc = true)
{
    public const string MasqueradeOption = "com.docker.network.bridge.enable_ip_masquerade";
    public const string IccOption = "com.docker.network.bridge.enable_icc";

    /// <summary>A bridge network as the firewall sees it (its first IPv4 subnet, Internal, and the bridge driver's
    /// masquerade and icc options, true unless set to one of Go's false words); null for a network without a subnet.</summary>
    public static FirewallBridge? Of(Network network, string bridgeName)
    {
        var subnet = (network.IPAM.Config ?? []).Select(c => c.Subnet is { } s ? Ipv4Prefix.TryParse(s) : null).FirstOrDefault(p => p is not null);
        if (subnet is not { } prefix) return null;
        return new FirewallBridge(bridgeName, prefix.Masked, network.Internal,
            !IsFalse(network.Options.GetValueOrDefault(MasqueradeOption)), !IsFalse(network.Options.GetValueOrDefault(IccOption)));
    }

    /// <summary>Go's strconv.ParseBool false words.</summary>
    private static bool IsFalse(string? value) => value is "0" or "f" or "F" or "false" or "FALSE" or "False";
}

/// <summary>Everything the engine's firewall table holds: its bridges and the published ports.</summary>
public sealed record FirewallState(IReadOnlyList<FirewallBridge> Bridges, IReadOnlyList<PortMapping> Mappings)
{
    public static readonly FirewallState Empty = new([], []);
}
