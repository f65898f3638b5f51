using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;
using Containers.Engine.Networks.Firewall;

namespace Containers.Engine.Networks;

/// <summary>
/// The networks backend of the API, with dockerd's rules: the predefined <c>bridge</c>, <c>host</c> and <c>none</c>
/// networks always exist (made when the store is first opened, the bridge with a subnet from the default pools) and
/// can be neither created nor removed; user-defined networks use the bridge driver; names are unique (409); address
/// pools come from <see cref="Ipam"/>; <c>create</c>/<c>destroy</c> events of type network. Every bridge network has
/// its Linux bridge while the engine runs (<see cref="Bridges"/>: made here at start and at create, under the host-wide
/// <see cref="HostNetworkLock"/>; removed at rm and at a clean stop); a network with running containers
/// (<see cref="Endpoints"/>) cannot be removed and is not pruned, and its inspect lists them.
/// </summary>
public sealed class NetworkService
{
    public const string BridgeDriver = "bridge";

    /// <summary>The network drivers, as <c>docker info</c> lists them: bridge for user networks, host and null for the predefined ones.</summary>
    public static List<string> Drivers => [BridgeDriver, "host", "null"];

    public static readonly string[] ListFilterKeys = ["name", "id", "driver", "label", "type", "scope", "dangling"];
    public static readonly string[] PruneFilterKeys = ["label", "label!"];

    private static readonly string[] Predefined = ["bridge", "host", "none"];

    private readonly NetworkStore _store;
    private readonly EventBus _events;
    private readonly Func<IReadOnlyCollection<Ipv4Prefix>> _hostRoutes;
    private readonly Bridges _bridges;
    private readonly Endpoints _endpoints;

    /// <summary>Opens the networks and makes their bridges (reusing those a crashed engine left).</summary>
    public NetworkService(NetworkStore store, EventBus events, Bridges bridges, Endpoints endpoints,
        Func<IReadOnlyCollection<Ipv4Prefix>>? hostRoutes = null)
    {
        _store = store;
        _events = events;
        _bridges = bridges;
        _endpoints = endpoints;
        _hostRoutes = hostRoutes ?? (() => Ipam.HostRoutes());
        using (HostNetworkLock.Acquire())
        {
            EnsurePredefined();
            ReconcileDefaultBridge();
            _bridges.Ensure(_store.List());
        }
    }

    public static bool IsPredefined(string name) => Predefined.Contains(name);

    /// <summary>The stored network (no Containers); for the engine's own use.</summary>
    public Network Find(string idOrName) => _store.Find(idOrName);

    /// <summary>The stored network, or null when there is none of that ID or name.</summary>
    public Network? TryFind(string idOrName)
    {
        try { return _store.Find(idOrName); }
        catch (DomainException) { return null; }
    }

    /// <summary>The network with its running containers in Containers, as network inspect shows it.</summary>
    public Network Inspect(string idOrName) => WithContainers(_store.Find(idOrName));

    /// <summary>The Linux bridge of a network.</summary>
    public string BridgeOf(Network network) => _bridges.NameOf(network);

    /// <summary>Raised after a network's bridge was made or removed (create, rm, prune): the firewall follows.</summary>
    public event Action? BridgesChanged;

    /// <summary>The bridge networks as the firewall sees them.</summary>
    public IReadOnlyList<FirewallBridge> FirewallBridges() =>
        _store.List().Where(n => n.Driver == BridgeDriver).Select(n => FirewallBridge.Of(n, _bridges.NameOf(n))).OfType<FirewallBridge>().ToList();

    /// <summary>A clean engine stop (not live-restore): the bridges go; the next start makes them again.</summary>
    public void RemoveBridges() => _bridges.Remove(_store.List());

    private Network WithContainers(Network stored)
    {
        var members = _endpoints.OnNetwork(stored.Id);
        if (members.Count == 0) return stored;
        var view = System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stored, ApiJson.Context.Network), ApiJson.Context.Network)!;
        foreach (var e in members)
            view.Containers[e.ContainerId] = new NetworkEndpoint
            {
                Name = e.ContainerName, EndpointID = e.EndpointId, MacAddress = e.MacAddress,
                IPv4Address = $"{Ipam.Format(e.Address)}/{e.PrefixLength}",
            };
        return view;
    }

    /// <summary>
    /// The default bridge's record as this start's settings have it: its bridge's name (the setting may have changed),
    /// and its subnet, picked when the record was made — while the engine was stopped (its bridge gone) another engine
    /// may have taken it; then it gets a free one again (containers are given addresses at their start).
    /// </summary>
    private void ReconcileDefaultBridge()
    {
        var network = _store.List().First(n => n.Name == "bridge");
        var changed = network.Options.GetValueOrDefault(Bridges.NameOption) != _bridges.DefaultBridge;
        network.Options[Bridges.NameOption] = _bridges.DefaultBridge;
        var own = _store.List().Select(_bridges.NameOf).ToHashSet(StringComparer.Ordinal);
        var foreign = Ipam.HostRoutes(exceptInterfaces: own);
        if (NetworkPool.Of(network) is { } pool && foreign.Any(pool.Subnet.Overlaps))
        {
            network.IPAM.Config = Ipam.Allocate(null, TakenSubnets(_store.List().Where(n => n.Id != network.Id)), foreign);
            changed = true;
        }
        if (changed) _store.Replace(network);
    }

    public List<Network> List(FilterArgs filters) => ListStored(filters).Select(WithContainers).ToList();

    private List<Network> ListStored(FilterArgs filters)
    {
        filters.Validate(ListFilterKeys);
        foreach (var type in filters.Get("type"))
            if (type is not ("custom" or "builtin")) throw new InvalidParameterException($"invalid filter: 'type'='{type}'");
        var dangling = filters.Contains("dangling") ? filters.GetBoolOrDefault("dangling", false) : (bool?)null;
        return _store.List().Where(n => Matches(n, filters)
            && (dangling is not { } d || d == (!IsPredefined(n.Name) && _endpoints.OnNetwork(n.Id).Count == 0))).ToList();
    }

    public NetworkCreateResponse Create(NetworkCreateRequest request)
    {
        var name = request.Name;
        if (string.IsNullOrEmpty(name)) throw new InvalidParameterException("invalid name: name is empty");
        if (IsPredefined(name)) throw new ForbiddenException($"operation is not permitted on predefined {name} network ");
        var driver = string.IsNullOrEmpty(request.Driver) ? BridgeDriver : request.Driver;
        if (driver != BridgeDriver)
            throw driver is "host" or "null"
                ? new ForbiddenException($"only one instance of \"{driver}\" network is allowed")
                : new NotFoundException($"plugin \"{driver}\" not found");
        if (request.IPAM?.Driver is { Length: > 0 } ipamDriver && ipamDriver != "default")
            throw new NotFoundException($"plugin \"{ipamDriver}\" not found");
        if (request.EnableIPv6 == true) throw new FeatureNotImplementedException("IPv6 networks are not supported by this engine");
        if (request.Ingress == true || request.Scope is "swarm" or "global")
            throw new ForbiddenException("This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.");
        if (request.ConfigOnly == true || !string.IsNullOrEmpty(request.ConfigFrom?.Network))
            throw new FeatureNotImplementedException("config-only networks are not supported by this engine");

        // A bridge name of the host's (docker0, another engine's, any interface) is never taken over.
        if (request.Options?.GetValueOrDefault(Bridges.NameOption) is { Length: > 0 } bridgeName && IpRoute.LinkExists(bridgeName))
            throw new ConflictException($"bridge name {bridgeName} is already in use on this host");
        using var hostLock = HostNetworkLock.Acquire();
        var routes = _hostRoutes();
        var network = _store.Add(name, others => new Network
        {
            Name = name,
            Id = NetworkStore.NewId(),
            Created = ContainerViews.Rfc3339(DateTimeOffset.UtcNow),
            Driver = BridgeDriver,
            IPAM = new NetworkIpam
            {
                Options = request.IPAM?.Options is { Count: > 0 } o ? new(o) : [],
                Config = Ipam.Allocate(request.IPAM?.Config, TakenSubnets(others), routes),
            },
            Internal = request.Internal ?? false,
            Attachable = request.Attachable ?? false,
            Options = new(request.Options ?? []),
            Labels = new(request.Labels ?? []),
        });
        try
        {
            _bridges.Ensure([network]);
        }
        catch (IOException e)
        {
            _store.Remove(network.Id);
            throw new InvalidParameterException($"failed to create network {name}: {e.Message}");
        }
        BridgesChanged?.Invoke();
        Publish("create", network);
        return new NetworkCreateResponse { Id = network.Id };
    }

    public void Remove(string idOrName)
    {
        var network = _store.Find(idOrName);
        if (IsPredefined(network.Name))
            throw new ForbiddenException($"{network.Name} is a pre-defined network and cannot be removed");
        if (_endpoints.OnNetwork(network.Id).Count > 0)
            throw new ConflictException($"error while removing network: network {network.Name} id {network.Id} has active endpoints");
        if (!_store.Remove(network.Id)) throw new NotFoundException($"network {idOrName} not found");
        _bridges.Remove([network]);
        BridgesChanged?.Invoke();
        Publish("destroy", network);
    }

    /// <summary>Removes the unused user-defined networks matching the label filters (<c>label</c>, <c>label!</c>).</summary>
    public NetworksPruneResponse Prune(FilterArgs filters)
    {
        filters.Validate(PruneFilterKeys);
        var result = new NetworksPruneResponse();
        foreach (var network in _store.List())
        {
            if (IsPredefined(network.Name) || _endpoints.OnNetwork(network.Id).Count > 0) continue;
            if (!filters.MatchKVList("label", network.Labels)) continue;
            if (filters.Contains("label!") && MatchesAnyLabel(filters.Get("label!"), network.Labels)) continue;
            if (!_store.Remove(network.Id)) continue;
            _bridges.Remove([network]);
            Publish("destroy", network);
            result.NetworksDeleted.Add(network.Name);
        }
        if (result.NetworksDeleted.Count > 0) BridgesChanged?.Invoke();
        _events.Publish(EventTypes.Network, "prune", "", new Dictionary<string, string> { ["reclaimed"] = "0" });
        return result;
    }

    private void EnsurePredefined()
    {
        var existing = _store.List().Select(n => n.Name).ToHashSet();
        foreach (var name in Predefined.Where(n => !existing.Contains(n)))
            _store.Add(name, others => name == "bridge" ? DefaultBridge(others) : new Network
            {
                Name = name,
                Id = NetworkStore.NewId(),
                Created = ContainerViews.Rfc3339(DateTimeOffset.UtcNow),
                Driver = name == "none" ? "null" : "host",
                IPAM = new NetworkIpam { Config = [] },
            });
    }

    /// <summary>The default bridge network, with dockerd's options for docker0 but a bridge of its own name.</summary>
    private Network DefaultBridge(IReadOnlyCollection<Network> others) => new()
    {
        Name = "bridge",
        Id = NetworkStore.NewId(),
        Created = ContainerViews.Rfc3339(DateTimeOffset.UtcNow),
        Driver = BridgeDriver,
        IPAM = new NetworkIpam { Config = Ipam.Allocate(null, TakenSubnets(others), _hostRoutes()) },
        Options = new()
        {
            ["com.docker.network.bridge.default_bridge"] = "true",
            ["com.docker.network.bridge.enable_icc"] = "true",
            ["com.docker.network.bridge.enable_ip_masquerade"] = "true",
            ["com.docker.network.bridge.host_binding_ipv4"] = "0.0.0.0",
            [Bridges.NameOption] = _bridges.DefaultBridge,
            ["com.docker.network.driver.mtu"] = "1500",
        },
    };

    private static List<Ipv4Prefix> TakenSubnets(IEnumerable<Network> networks) =>
        networks.SelectMany(n => n.IPAM.Config ?? []).Select(c => c.Subnet is { } s ? Ipv4Prefix.TryParse(s) : null)
            .OfType<Ipv4Prefix>().ToList();

    private static bool Matches(Network n, FilterArgs filters) =>
        filters.SubstringMatch("name", n.Name) && filters.PrefixMatch("id", n.Id) && filters.ExactMatch("driver", n.Driver)
        && filters.MatchKVList("label", n.Labels) && filters.ExactMatch("scope", n.Scope)
        && filters.ExactMatch("type", IsPredefined(n.Name) ? "builtin" : "custom");

    private static bool MatchesAnyLabel(IReadOnlyList<string> terms, Dictionary<string, string> labels) =>
        terms.Any(t => t.IndexOf('=') is var eq and >= 0 ? labels.TryGetValue(t[..eq], out var v) && v == t[(eq + 1)..] : labels.ContainsKey(t));

    private void Publish(string action, Network network) =>
        _events.Publish(EventTypes.Network, action, network.Id, new Dictionary<string, string> { ["name"] = network.Name, ["type"] = network.Driver });
}
