using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// The embedded DNS resolver of containers on user-defined networks, dockerd's 127.0.0.11: for each such container a
/// UDP and a TCP socket bound to 127.0.0.11:53 inside its network namespace (made there by <see cref="NamespaceSockets"/>),
/// served by the engine with async I/O (no thread per container). It answers A/AAAA/PTR for the names the container's
/// lookup knows (its networks' container names, aliases, short IDs) and forwards every other query to the upstream
/// servers (the host's resolv.conf without loopback servers, or the container's own <c>--dns</c>) through
/// <see cref="DnsForwarder"/>. <see cref="Stop"/> closes a container's sockets, and with them the last reference the
/// engine holds to its namespace.
/// </summary>
public sealed class EmbeddedDns : IDisposable
{
    public const string Address = "127.0.0.11";
    public static readonly IPEndPoint Endpoint = new(IPAddress.Parse(Address), 53);
    /// <summary>dockerd's extIOTimeout: how long one upstream server has to answer.</summary>
    public static readonly TimeSpan DefaultUpstreamTimeout = TimeSpan.FromSeconds(4);

    private readonly ConcurrentDictionary<string, ContainerResolver> _resolvers = new();
    private readonly NamespaceSockets _namespaces = new();
    private readonly Func<IReadOnlyList<IPEndPoint>> _defaultUpstreams;
    private readonly DnsForwarder _forwarder;
    private readonly ILogger _log;

    /// <param name="defaultUpstreams">The servers unknown names go to when a container names none of its own; the
    /// host's resolv.conf (read at each start, so a changed file is followed) when null.</param>
    public EmbeddedDns(Func<IReadOnlyList<IPEndPoint>>? defaultUpstreams = null, TimeSpan? upstreamTimeout = null, ILogger? log = null)
    {
        _defaultUpstreams = defaultUpstreams ?? (() => DnsUpstreams.FromFile());
        _forwarder = new DnsForwarder(upstreamTimeout ?? DefaultUpstreamTimeout);
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>
    /// Starts serving the container whose network namespace is <paramref name="netnsPath"/> (e.g. /proc/PID/ns/net;
    /// its loopback must be up). <paramref name="lookup"/> gets a name in lower case without trailing dot and returns
    /// its addresses (none: not a name of the container's networks); <paramref name="reverse"/> names an address for
    /// PTR queries. A resolver already running for the container is stopped first. Throws when the namespace is gone
    /// or the address is taken in it.
    /// </summary>
    public void Start(string containerId, string netnsPath, Func<string, IReadOnlyList<IPAddress>> lookup,
        Func<IPAddress, string?>? reverse = null, IReadOnlyList<IPEndPoint>? upstreams = null)
    {
        Stop(containerId);
        var sockets = _namespaces.Create(netnsPath, () => NamespaceSockets.BindUdpAndTcp(Endpoint));
        var names = new ResolverNames(lookup, reverse ?? (_ => null), upstreams ?? _defaultUpstreams());
        var resolver = new ContainerResolver(containerId, sockets, names, _forwarder, _log);
        if (!_resolvers.TryAdd(containerId, resolver))
        {
            resolver.Dispose();
            throw new InvalidOperationException($"the DNS resolver of container {containerId} was started twice at once");
        }
        resolver.Run();
    }

    /// <summary>Stops the container's resolver and closes its sockets; nothing when none runs.</summary>
    public void Stop(string containerId)
    {
        if (_resolvers.TryRemove(containerId, out var resolver)) resolver.Dispose();
    }

    public bool IsRunning(string containerId) => _resolvers.ContainsKey(containerId);

    public void Dispose()
    {
        foreach (var id in _resolvers.Keys) Stop(id);
        _namespaces.Dispose();
    }
}

/// <summary>What one container's resolver answers with: its lookups and the servers other queries go to.</summary>
public sealed record ResolverNames(Func<string, IReadOnlyList<IPAddress>> Lookup, Func<IPAddress, string?> Reverse,
    IReadOnlyList<IPEndPoint> Upstreams);
