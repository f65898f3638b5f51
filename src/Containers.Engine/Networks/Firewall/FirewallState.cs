using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Networks.Firewall;

/// <summary>
/// One of the engine's bridges as the firewall sees it: <paramref name="Internal"/> networks have no traffic in or out
/// but within the bridge; <paramref name="Masquerade"/> hides the subnet behind the host's address when leaving through
/// another interface; <paramref name="Icc"/> false drops traffic between two containers of the bridge.
/// </summary>
public sealed record FirewallBridge(string Name, Ipv4Prefix Subnet, bool Internal = false, bool Masquerade = true, bool Icc = true);

/// <summary>Everything the engine's firewall table holds: its bridges and the published ports.</summary>
public sealed record FirewallState(IReadOnlyList<FirewallBridge> Bridges, IReadOnlyList<PortMapping> Mappings)
{
    public static readonly FirewallState Empty = new([], []);
}
