using System.Net;

namespace Containers.Engine.Networks;

/// <summary>A running container's attachment to one bridge network: its address there and its interfaces.</summary>
public sealed record ContainerEndpoint(
    string ContainerId,
    string ContainerName,
    string NetworkId,
    string EndpointId,
    uint Address,
    int PrefixLength,
    uint Gateway,
    string MacAddress,
    string Interface,
    string HostVeth,
    IReadOnlyList<string> Aliases)
{
    public IPAddress IPAddress => new(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Address));
}

/// <summary>
/// The live endpoints of the engine's bridge networks, which are also their address allocations (IPAM state): built at
/// engine start from the records of running containers (where each endpoint is persisted), changed as containers start,
/// stop, connect and disconnect. The embedded DNS asks it which addresses a name has on a network, and which networks a
/// container is on.
/// </summary>
public sealed class Endpoints
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, ContainerEndpoint>> _byNetwork = new(StringComparer.Ordinal);

    /// <summary>Reserves an address on the network for a container: <paramref name="requested"/> when given (an address
    /// taken is dockerd's "Address already in use"), else the lowest free one; the endpoint is built by <paramref name="build"/>.</summary>
    public ContainerEndpoint Allocate(string networkId, NetworkPool pool, uint? requested, Func<uint, ContainerEndpoint> build)
    {
        lock (_gate)
        {
            var members = Members(networkId);
            var taken = members.Values.Select(e => e.Address).ToHashSet();
            uint address;
            if (requested is { } wanted)
            {
                if (taken.Contains(wanted) || wanted == pool.Gateway) throw new Errors.ForbiddenException("Address already in use");
                if (!pool.Subnet.Contains(wanted)) throw new Errors.InvalidParameterException(
                    $"no configured subnet or ip-range contain the IP address {Ipam.Format(wanted)}");
                address = wanted;
            }
            else
            {
                address = pool.FirstFree(taken) ?? throw new Errors.ForbiddenException(
                    $"no available IPv4 addresses on this network's address pools: {pool.Subnet}");
            }
            var endpoint = build(address);
            members[endpoint.ContainerId] = endpoint;
            return endpoint;
        }
    }

    /// <summary>Takes back an endpoint known from a record (engine start); false when its address is taken meanwhile.</summary>
    public bool Adopt(ContainerEndpoint endpoint)
    {
        lock (_gate)
        {
            var members = Members(endpoint.NetworkId);
            if (members.Values.Any(e => e.Address == endpoint.Address && e.ContainerId != endpoint.ContainerId)) return false;
            members[endpoint.ContainerId] = endpoint;
            return true;
        }
    }

    /// <summary>Releases the container's endpoint on the network; the removed one, or null.</summary>
    public ContainerEndpoint? Release(string networkId, string containerId)
    {
        lock (_gate)
        {
            if (!_byNetwork.TryGetValue(networkId, out var members) || !members.Remove(containerId, out var endpoint)) return null;
            if (members.Count == 0) _byNetwork.Remove(networkId);
            return endpoint;
        }
    }

    public ContainerEndpoint? Find(string networkId, string containerId)
    {
        lock (_gate) return _byNetwork.TryGetValue(networkId, out var m) && m.TryGetValue(containerId, out var e) ? e : null;
    }

    /// <summary>The endpoints on a network (network inspect's Containers; a network in use cannot be removed).</summary>
    public List<ContainerEndpoint> OnNetwork(string networkId)
    {
        lock (_gate) return _byNetwork.TryGetValue(networkId, out var m) ? [.. m.Values] : [];
    }

    /// <summary>The container's endpoints, in no particular order (the networks it is on while it runs).</summary>
    public List<ContainerEndpoint> OfContainer(string containerId)
    {
        lock (_gate) return _byNetwork.Values.Select(m => m.GetValueOrDefault(containerId)).OfType<ContainerEndpoint>().ToList();
    }

    /// <summary>
    /// The addresses a name has on a network, as the embedded DNS answers: a container's name, one of its aliases on that
    /// network, or its ID or an ID prefix of at least 12 hex digits (as dockerd's DNSNames carry the short ID).
    /// </summary>
    public IReadOnlyList<IPAddress> Lookup(string networkId, string name)
    {
        lock (_gate)
        {
            if (!_byNetwork.TryGetValue(networkId, out var members)) return [];
            return members.Values.Where(e => Answers(e, name)).Select(e => e.IPAddress).ToList();
        }
    }

    /// <summary>
    /// What a name means to one container (the embedded DNS's lookup for it): its addresses on the user-defined networks
    /// the container is on (the default bridge has no names, as in dockerd), in no particular order.
    /// </summary>
    public IReadOnlyList<IPAddress> LookupFor(string containerId, string name, Func<string, bool> isUserDefined)
    {
        lock (_gate)
            return _byNetwork.Where(n => n.Value.ContainsKey(containerId) && isUserDefined(n.Key))
                .SelectMany(n => n.Value.Values.Where(e => Answers(e, name)).Select(e => e.IPAddress)).Distinct().ToList();
    }

    private static bool Answers(ContainerEndpoint e, string name) =>
        string.Equals(e.ContainerName, name, StringComparison.OrdinalIgnoreCase)
        || e.Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase))
        || (name.Length >= 12 && e.ContainerId.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    private Dictionary<string, ContainerEndpoint> Members(string networkId)
    {
        if (!_byNetwork.TryGetValue(networkId, out var members)) _byNetwork[networkId] = members = new(StringComparer.Ordinal);
        return members;
    }
}
