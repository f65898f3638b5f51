using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Lifecycle;
using Containers.Engine.Networks.Firewall;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Networks;

/// <summary>
/// How a container gets its network: the endpoints of its bridge networks are allocated before its start (addresses
/// from <see cref="Endpoints"/>, persisted in the record's NetworkSettings), attached between the runtime's create and
/// start (<see cref="Attach"/>: a veth per network, its host end on the network's bridge, its container end moved
/// into the init's namespace as eth0, eth1, …, addressed, with the default route via the first network's gateway),
/// and released when it stops (<see cref="Detach"/>). The one place for what a container's start and stop do to the
/// network: published ports are reserved and their rules applied (<see cref="Publish"/>, after the addresses are
/// known) and taken out at <see cref="Detach"/>; a restarted engine takes running containers' ports back (<see cref="Adopt"/>).
/// </summary>
public sealed class ContainerNetworking(NetworkService networks, Bridges bridges, Endpoints endpoints, EngineFirewall firewall,
    Dns.ContainerDns? dns = null)
{
    public Endpoints Endpoints => endpoints;

    public Bridges Bridges => bridges;

    public NetworkService Networks => networks;

    /// <summary>The embedded DNS's lookup for a container: a name's addresses on its user-defined networks.</summary>
    public Func<string, IReadOnlyList<System.Net.IPAddress>> LookupFor(string containerId) =>
        name => endpoints.LookupFor(containerId, name, networkId => networks.TryFind(networkId) is { } n && !NetworkModes.IsPredefined(n.Name));

    public EngineFirewall Firewall => firewall;

    /// <summary>The default bridge's gateway, what --add-host's "host-gateway" stands for.</summary>
    public string? DefaultGateway() => NetworkPool.Of(networks.Find("bridge")) is { } pool ? Ipam.Format(pool.Gateway) : null;

    /// <summary>
    /// The networks a new container is on, as its record keeps them: the network mode's (the default bridge for
    /// "default"), plus the other user-defined networks of NetworkingConfig (API 1.44+ takes several). Docker's refusals
    /// for what only user-defined networks have (aliases, a fixed address).
    /// </summary>
    public Dictionary<string, EndpointSettings> AtCreate(HostConfig host, NetworkingConfig? config, string? legacyMacAddress)
    {
        var result = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal);
        var mode = host.NetworkMode;
        if (NetworkModes.IsContainer(mode)) return result;
        var wanted = config?.EndpointsConfig ?? [];
        var primary = networks.Find(NetworkModes.NetworkName(mode));
        var primaryConfig = wanted.GetValueOrDefault(mode) ?? wanted.GetValueOrDefault(primary.Name) ?? wanted.GetValueOrDefault(primary.Id);
        result[primary.Name] = EndpointOf(primary, primaryConfig, legacyMacAddress);
        foreach (var (key, settings) in wanted)
        {
            var network = networks.Find(NetworkModes.NetworkName(key));
            if (result.ContainsKey(network.Name)) continue;
            if (NetworkModes.IsPredefined(network.Name) || NetworkModes.IsPredefined(primary.Name))
                throw new InvalidParameterException("Container cannot be connected to network endpoints: " + string.Join(", ", wanted.Keys));
            result[network.Name] = EndpointOf(network, settings, null);
        }
        return result;
    }

    /// <summary>A stopped container's entry for a network (connect, create), with dockerd's checks of its config.</summary>
    public EndpointSettings EndpointOf(Network network, EndpointSettings? config, string? legacyMacAddress)
    {
        var userDefined = !NetworkModes.IsPredefined(network.Name);
        if (!userDefined && config?.Aliases is { Count: > 0 })
            throw new InvalidParameterException("network-scoped alias is supported only for containers in user defined networks");
        if (!userDefined && config?.IPAMConfig is { IPv4Address.Length: > 0 } or { IPv6Address.Length: > 0 })
            throw new InvalidParameterException("user specified IP address is supported on user defined networks only");
        if (config?.IPAMConfig is { IPv4Address: { Length: > 0 } ip } && Ipam.TryParseAddress(ip) is null)
            throw new InvalidParameterException($"invalid IPv4 address: {ip}");
        var mac = config?.MacAddress is { Length: > 0 } m ? m : legacyMacAddress ?? "";
        if (mac.Length > 0 && !System.Net.NetworkInformation.PhysicalAddress.TryParse(mac.Replace(':', '-'), out _))
            throw new InvalidParameterException($"invalid MAC address: {mac}");
        return new EndpointSettings
        {
            NetworkID = network.Id,
            IPAMConfig = config?.IPAMConfig,
            Aliases = userDefined && config?.Aliases is { Count: > 0 } aliases ? [.. aliases] : null,
            MacAddress = mac,
            DriverOpts = config?.DriverOpts,
        };
    }

    /// <summary>
    /// Allocates the container's endpoints on its bridge networks, in the order of its record (eth0 first); all or
    /// none (released again if one fails). <see cref="EndpointView.Record"/> writes them into the record.
    /// </summary>
    public List<ContainerEndpoint> Allocate(ContainerRecord record)
    {
        var allocated = new List<ContainerEndpoint>();
        try
        {
            foreach (var (name, settings) in record.NetworkSettings.Networks)
            {
                var network = networks.Find(settings.NetworkID.Length > 0 ? settings.NetworkID : name);
                if (network.Driver != NetworkService.BridgeDriver) continue;
                allocated.Add(AllocateOn(record, network, settings, "eth" + allocated.Count));
            }
            return allocated;
        }
        catch
        {
            foreach (var endpoint in allocated) endpoints.Release(endpoint.NetworkId, endpoint.ContainerId);
            throw;
        }
    }

    /// <summary>
    /// Publishes a starting container's ports (its PortBindings, and with -P its exposed ports) on its first bridge
    /// endpoint, as dockerd publishes them on the endpoint that gives the container its gateway; the NetworkSettings.Ports
    /// inspect shows (an exposed port without a binding as null). A port that cannot be had fails the start in dockerd's
    /// words, holding nothing.
    /// </summary>
    public Dictionary<string, List<PortBinding>?> Publish(ContainerRecord record, IReadOnlyList<ContainerEndpoint> started)
    {
        if (started.Count == 0) return [];
        var first = started[0];
        try
        {
            var mappings = firewall.Publish(record.Id, record.HostConfig, record.Config.ExposedPorts, AddressOf(first),
                bridges.NameOf(networks.Find(first.NetworkId)));
            return PortViews.Settings(mappings, record.Config.ExposedPorts);
        }
        catch (PortMappingException e)
        {
            throw e.ForEndpoint(record.Name, first.EndpointId);
        }
    }

    private static IPAddress AddressOf(ContainerEndpoint endpoint) => IPAddress.Parse(Ipam.Format(endpoint.Address));

    private ContainerEndpoint AllocateOn(ContainerRecord record, Network network, EndpointSettings settings, string interfaceName)
    {
        var pool = NetworkPool.Of(network) ?? throw new InvalidParameterException($"network {network.Name} has no IPv4 pool");
        var requested = settings.IPAMConfig is { IPv4Address: { Length: > 0 } ip } ? Ipam.TryParseAddress(ip) : null;
        return endpoints.Allocate(network.Id, pool, requested, address => new ContainerEndpoint(
            record.Id, record.Name, network.Id, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), address,
            pool.Subnet.Bits, pool.Gateway,
            record.Attachments.GetValueOrDefault(network.Id)?.MacAddress is { Length: > 0 } mac ? mac : MacOf(address),
            interfaceName, HostVethName(record.Id, network.Id), NetworkModes.IsPredefined(network.Name) ? [] : [.. settings.Aliases ?? []]));
    }

    /// <summary>
    /// THE step of a container's start that concerns its network, between the runtime's create and start (the init
    /// <paramref name="pid"/> exists in its new namespace and has not exec'd): its allocated endpoints are wired in.
    /// What else a start needs on the network (published ports, the embedded DNS) belongs here, after the wiring;
    /// an exception fails the start and <see cref="DetachAll"/> undoes it.
    /// </summary>
    public void Attach(ContainerRecord record, int pid, IReadOnlyList<ContainerEndpoint> attached)
    {
        Wire(pid, attached, defaultRoute: true);
    }

    /// <summary>
    /// Wires endpoints into the namespace of <paramref name="pid"/>: one <c>ip -batch</c> on the host (veth pairs, host
    /// ends on their bridges) and one inside (addresses, up, the default route via the first endpoint's gateway, which
    /// <paramref name="defaultRoute"/> false leaves out).
    /// </summary>
    private void Wire(int pid, IReadOnlyList<ContainerEndpoint> attached, bool defaultRoute)
    {
        if (attached.Count == 0) return;
        var host = new List<string>();
        var inside = new List<string> { "link set lo up" };
        foreach (var e in attached)
        {
            var network = networks.Find(e.NetworkId);
            var bridge = bridges.NameOf(network);
            if (!IpRoute.LinkExists(bridge)) bridges.Ensure([network]); // deleted behind the engine's back
            if (IpRoute.LinkExists(e.HostVeth)) host.Add($"link del {e.HostVeth}"); // the last run's, its namespace still going
            host.Add($"link add name {e.HostVeth} mtu 1500 type veth peer name {e.Interface} address {e.MacAddress} netns {pid}");
            host.AddRange(OnBridge(e.HostVeth, bridge));
            inside.Add($"addr add {Ipam.Format(e.Address)}/{e.PrefixLength} dev {e.Interface}");
            inside.Add($"link set {e.Interface} up");
        }
        if (defaultRoute) inside.Add($"route replace default via {Ipam.Format(attached[0].Gateway)} dev {attached[0].Interface}");
        IpRoute.OnHost(host);
        IpRoute.InNamespaceOf(pid, inside);
    }

    /// <summary>Whether the container uses the embedded DNS (127.0.0.11): its network is a user-defined one.</summary>
    public bool UsesEmbeddedDns(ContainerRecord record) =>
        dns is not null && Dns.ContainerDns.Uses(record.HostConfig, record.NetworkSettings.Networks.Keys);

    /// <summary>
    /// Starts the embedded DNS in the namespace of the container's init <paramref name="pid"/> when it uses it: after
    /// <see cref="Attach"/> at start, and for a container still running when the engine starts again.
    /// </summary>
    public void StartDns(ContainerRecord record, int pid)
    {
        if (UsesEmbeddedDns(record)) dns!.Start(record.Id, pid, record.HostConfig);
    }

    public bool DnsRunning(string containerId) => dns?.IsRunning(containerId) == true;

    /// <summary>
    /// THE step of a container's stop (its exit, a failed start, its removal) that concerns its network: every endpoint
    /// released. What else a stop must undo on the network (published ports, the embedded DNS) belongs here. Safe to
    /// call more than once; returns the endpoints it released. The veths are deleted unless <paramref name="namespaceDies"/>: when nothing else holds the
    /// container's namespace (no container:X sharer runs) the kernel deletes them with it, which spares the stop the
    /// ~25 ms a synchronous veth deletion costs (a start that finds one still there deletes it first).
    /// </summary>
    public List<ContainerEndpoint> DetachAll(string containerId, bool namespaceDies = false)
    {
        dns?.Stop(containerId); // its sockets are the engine's last hold on the namespace
        firewall.Unpublish(containerId);
        var released = endpoints.OfContainer(containerId).Select(e => endpoints.Release(e.NetworkId, containerId)).OfType<ContainerEndpoint>().ToList();
        if (!namespaceDies) DeleteVeths(released);
        return released;
    }

    /// <summary>
    /// Releases one endpoint (disconnect) and deletes its veth: the interface leaves the container at once. For a running
    /// container (init <paramref name="pid"/>), as dockerd: the ports published on that endpoint are unpublished (the
    /// result says so), and the default route, which the kernel drops with the interface, moves to the remaining
    /// endpoint with the lowest ethN.
    /// </summary>
    public (ContainerEndpoint? Endpoint, bool Unpublished) Detach(string containerId, string networkId, int pid = 0)
    {
        var endpoint = endpoints.Release(networkId, containerId);
        if (endpoint is null) return (null, false);
        var unpublished = firewall.Ports.MappingsOf(containerId).Any(m => m.ContainerIp.Equals(AddressOf(endpoint)));
        if (unpublished) firewall.Unpublish(containerId);
        DeleteVeths([endpoint]);
        var next = endpoints.OfContainer(containerId).OrderBy(e => int.Parse(e.Interface.AsSpan(3), CultureInfo.InvariantCulture)).FirstOrDefault();
        if (pid > 0 && next is not null)
            IpRoute.InNamespaceOf(pid, [$"route replace default via {Ipam.Format(next.Gateway)} dev {next.Interface}"]);
        return (endpoint, unpublished);
    }

    /// <summary>Connects a running container (init <paramref name="pid"/>) to one more network: the next free ethN.</summary>
    public ContainerEndpoint ConnectLive(ContainerRecord record, Network network, EndpointSettings settings, int pid)
    {
        var used = endpoints.OfContainer(record.Id).Select(e => e.Interface).ToHashSet(StringComparer.Ordinal);
        var name = Enumerable.Range(0, 1000).Select(i => "eth" + i).First(n => !used.Contains(n));
        var endpoint = AllocateOn(record, network, settings, name);
        try
        {
            Wire(pid, [endpoint], defaultRoute: used.Count == 0);
        }
        catch
        {
            Detach(record.Id, network.Id);
            throw;
        }
        return endpoint;
    }

    /// <summary>Engine start: the endpoints of a container that kept running are taken back from its record.</summary>
    public List<ContainerEndpoint> Adopt(ContainerRecord record)
    {
        var adopted = new List<ContainerEndpoint>();
        foreach (var (_, settings) in record.NetworkSettings.Networks)
        {
            if (settings.IPAddress.Length == 0 || Ipam.TryParseAddress(settings.IPAddress) is not { } address) continue;
            var interfaceName = record.Attachments.GetValueOrDefault(settings.NetworkID)?.Interface ?? "eth0";
            var endpoint = new ContainerEndpoint(record.Id, record.Name, settings.NetworkID, settings.EndpointID, address, settings.IPPrefixLen,
                Ipam.TryParseAddress(settings.Gateway) ?? 0, settings.MacAddress, interfaceName, HostVethName(record.Id, settings.NetworkID),
                [.. settings.Aliases ?? []]);
            if (endpoints.Adopt(endpoint)) adopted.Add(endpoint);
        }
        if (adopted.Count > 0 && record.NetworkSettings.Ports.Values.Any(b => b is { Count: > 0 }))
        {
            var first = adopted.FirstOrDefault(e => e.Interface == "eth0") ?? adopted[0];
            if (networks.TryFind(first.NetworkId) is { } network)
                firewall.Restore(record.Id, record.NetworkSettings.Ports, AddressOf(first), bridges.NameOf(network));
        }
        return adopted;
    }

    /// <summary>
    /// Engine start, after adoption: the host ends of the adopted endpoints are put (back) on their bridges and up, in
    /// one batch — a bridge deleted while the engine was down (and made again at this start) has lost them, and their
    /// hairpin with them.
    /// </summary>
    public void Reattach(IEnumerable<ContainerEndpoint> adopted) =>
        IpRoute.OnHost(adopted.Where(e => IpRoute.LinkExists(e.HostVeth) && networks.TryFind(e.NetworkId) is not null)
            .SelectMany(e => OnBridge(e.HostVeth, bridges.NameOf(networks.Find(e.NetworkId)))), force: true);

    /// <summary>
    /// A host veth on its bridge and up, with hairpin as dockerd sets it without its userland proxy: the container
    /// reaches its own published ports.
    /// </summary>
    private static IEnumerable<string> OnBridge(string hostVeth, string bridge) =>
        [$"link set {hostVeth} master {bridge} up", $"link set {hostVeth} type bridge_slave hairpin on"];

    private static void DeleteVeths(IEnumerable<ContainerEndpoint> released) =>
        IpRoute.OnHost(released.Where(e => IpRoute.LinkExists(e.HostVeth)).Select(e => $"link del {e.HostVeth}"), force: true);

    /// <summary>dockerd's MAC for an address: 02:42 and the four bytes of the IPv4 address.</summary>
    public static string MacOf(uint address) =>
        $"02:42:{address >> 24:x2}:{(address >> 16) & 255:x2}:{(address >> 8) & 255:x2}:{address & 255:x2}";

    /// <summary>The host end of a container's veth on a network: "veth" and 7 hex digits of a hash of both IDs.</summary>
    public static string HostVethName(string containerId, string networkId) =>
        "veth" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(containerId + "/" + networkId)))[..7];
}
