using Containers.Api;

namespace Containers.Engine.Networks;

/// <summary>
/// The Linux bridges of the engine's bridge networks: the default network's is the engine's <c>Bridge</c> setting
/// (dockerd's <c>--bridge</c>), a user-defined network's is its <c>com.docker.network.bridge.name</c> option or
/// <c>br-</c> and the first 12 hex digits of its ID. A bridge carries the network's gateway address and is up while
/// the engine runs; an existing one (a crashed engine's) is reused and its address made right.
/// </summary>
public sealed class Bridges(string defaultBridge)
{
    public const string NameOption = "com.docker.network.bridge.name";
    private const string MtuOption = "com.docker.network.driver.mtu";

    public string DefaultBridge => defaultBridge;

    public string NameOf(Network network) =>
        network.Name == "bridge" ? defaultBridge
        : network.Options.TryGetValue(NameOption, out var name) && name.Length > 0 ? name
        : "br-" + network.Id[..12];

    /// <summary>Makes the bridges of these networks (those of the bridge driver) exist, addressed and up, in one batch.</summary>
    public void Ensure(IEnumerable<Network> networks)
    {
        var commands = new List<string>();
        foreach (var network in networks.Where(n => n.Driver == NetworkService.BridgeDriver))
        {
            var name = NameOf(network);
            if (!IpRoute.LinkExists(name))
            {
                var mtu = network.Options.TryGetValue(MtuOption, out var m) && int.TryParse(m, out var value) && value > 0 ? $" mtu {value}" : "";
                commands.Add($"link add name {name}{mtu} type bridge");
            }
            if (NetworkPool.Of(network) is { } pool)
                commands.Add($"addr replace {Ipam.Format(pool.Gateway)}/{pool.Subnet.Bits} dev {name}");
            commands.Add($"link set {name} up");
        }
        IpRoute.OnHost(commands);
    }

    /// <summary>Deletes the bridges of these networks (with their veths); those already gone are skipped.</summary>
    public void Remove(IEnumerable<Network> networks)
    {
        var commands = networks.Where(n => n.Driver == NetworkService.BridgeDriver).Select(NameOf)
            .Where(IpRoute.LinkExists).Select(name => $"link del {name}").ToList();
        IpRoute.OnHost(commands, force: true);
    }
}

/// <summary>A bridge network's IPv4 pool: its subnet, gateway and the range containers get addresses from.</summary>
public sealed record NetworkPool(Ipv4Prefix Subnet, uint Gateway, Ipv4Prefix Range)
{
    /// <summary>The first IPv4 pool of the network, or null for a network without one (host, none).</summary>
    public static NetworkPool? Of(Network network)
    {
        foreach (var config in network.IPAM.Config ?? [])
        {
            if (config.Subnet is null || Ipv4Prefix.TryParse(config.Subnet) is not { } subnet) continue;
            subnet = subnet.Masked;
            var gateway = config.Gateway is { } g && Ipam.TryParseAddress(g) is { } address ? address : subnet.Address + 1;
            var range = config.IPRange is { } r && Ipv4Prefix.TryParse(r) is { } parsed ? parsed.Masked : subnet;
            return new NetworkPool(subnet, gateway, range);
        }
        return null;
    }

    /// <summary>The lowest address of the range that is neither the network's, its broadcast, the gateway nor taken.</summary>
    public uint? FirstFree(IReadOnlySet<uint> taken)
    {
        var first = Range.Address;
        var last = Range.Address | ~Range.Mask;
        for (var address = first; address <= last && address >= first; address++)
        {
            if (address == Subnet.Address || address == (Subnet.Address | ~Subnet.Mask) || address == Gateway || taken.Contains(address)) continue;
            return address;
        }
        return null;
    }
}
