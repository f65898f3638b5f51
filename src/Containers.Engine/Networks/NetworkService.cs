using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Networks;

/// <summary>
/// The networks backend of the API, with dockerd's rules: the predefined <c>bridge</c>, <c>host</c> and <c>none</c>
/// networks always exist (made when the store is first opened, the bridge with a subnet from the default pools) and
/// can be neither created nor removed; user-defined networks use the bridge driver; names are unique (409); address
/// pools come from <see cref="Ipam"/>; <c>create</c>/<c>destroy</c> events of type network. Containers are not
/// attached to networks yet, so every user-defined network is unused (dangling) and prune removes them all.
/// </summary>
public sealed class NetworkService
{
    public const string BridgeDriver = "bridge";
    public const string DefaultBridgeName = "containers0";

    /// <summary>The network drivers, as <c>docker info</c> lists them: bridge for user networks, host and null for the predefined ones.</summary>
    public static List<string> Drivers => [BridgeDriver, "host", "null"];

    public static readonly string[] ListFilterKeys = ["name", "id", "driver", "label", "type", "scope", "dangling"];
    public static readonly string[] PruneFilterKeys = ["label", "label!"];

    private static readonly string[] Predefined = ["bridge", "host", "none"];

    private readonly NetworkStore _store;
    private readonly EventBus _events;
    private readonly Func<IReadOnlyCollection<Ipv4Prefix>> _hostRoutes;

    public NetworkService(NetworkStore store, EventBus events, Func<IReadOnlyCollection<Ipv4Prefix>>? hostRoutes = null)
    {
        _store = store;
        _events = events;
        _hostRoutes = hostRoutes ?? (() => Ipam.HostRoutes());
        EnsurePredefined();
    }

    public static bool IsPredefined(string name) => Predefined.Contains(name);

    public Network Inspect(string idOrName) => _store.Find(idOrName);

    public List<Network> List(FilterArgs filters)
    {
        filters.Validate(ListFilterKeys);
        foreach (var type in filters.Get("type"))
            if (type is not ("custom" or "builtin")) throw new InvalidParameterException($"invalid filter: 'type'='{type}'");
        var dangling = filters.Contains("dangling") ? filters.GetBoolOrDefault("dangling", false) : (bool?)null;
        return _store.List().Where(n => Matches(n, filters)
            && (dangling is not { } d || d == !IsPredefined(n.Name))).ToList();
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
        Publish("create", network);
        return new NetworkCreateResponse { Id = network.Id };
    }

    public void Remove(string idOrName)
    {
        var network = _store.Find(idOrName);
        if (IsPredefined(network.Name))
            throw new ForbiddenException($"{network.Name} is a pre-defined network and cannot be removed");
        if (!_store.Remove(network.Id)) throw new NotFoundException($"network {idOrName} not found");
        Publish("destroy", network);
    }

    /// <summary>Removes the unused user-defined networks matching the label filters (<c>label</c>, <c>label!</c>).</summary>
    public NetworksPruneResponse Prune(FilterArgs filters)
    {
        filters.Validate(PruneFilterKeys);
        var result = new NetworksPruneResponse();
        foreach (var network in _store.List())
        {
            if (IsPredefined(network.Name) || network.Containers.Count > 0) continue;
            if (!filters.MatchKVList("label", network.Labels)) continue;
            if (filters.Contains("label!") && MatchesAnyLabel(filters.Get("label!"), network.Labels)) continue;
            if (!_store.Remove(network.Id)) continue;
            Publish("destroy", network);
            result.NetworksDeleted.Add(network.Name);
        }
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
            ["com.docker.network.bridge.name"] = DefaultBridgeName,
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
