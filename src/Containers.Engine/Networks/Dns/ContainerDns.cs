using System.Net;
using System.Net.Sockets;
using Containers.Api;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// Which containers use the embedded resolver and what it answers them, as dockerd: a container whose network is a
/// user-defined one (not the default bridge, host, none or another container's) gets <c>nameserver 127.0.0.11</c> and
/// the resolver in its namespace. Its names are looked up live in <see cref="Endpoints"/> on the container's own
/// networks (eth0's first), so a container that starts, stops, connects or goes is seen at the next query: its name,
/// aliases and short ID, also as <c>NAME.NETWORK</c>; PTR gives <c>NAME.NETWORK</c> as dockerd's. Names of no network
/// go to the container's <c>--dns</c> servers if it has some, else to those of the engine's resolv.conf.
/// </summary>
public sealed class ContainerDns(EmbeddedDns dns, NetworkService networks, Endpoints endpoints)
{
    /// <summary>Whether a container with this network mode and these networks uses the embedded resolver.</summary>
    public static bool Uses(HostConfig host, IEnumerable<string> networkNames) =>
        host.NetworkMode is not ("host" or "none") && !NetworkModes.IsContainer(host.NetworkMode)
        && networkNames.Any(n => !NetworkModes.IsPredefined(n));

    /// <summary>
    /// Starts the resolver in the namespace of the container's init <paramref name="pid"/> (its endpoints attached, its
    /// loopback up). A failure is an IOException, so the start fails with it as with any other network failure.
    /// </summary>
    public void Start(string containerId, int pid, HostConfig host)
    {
        IReadOnlyList<IPEndPoint>? own = host.Dns is { Count: > 0 } servers
            ? servers.Select(s => IPAddress.TryParse(s, out var a) ? new IPEndPoint(a, 53) : null).OfType<IPEndPoint>()
                .Take(DnsUpstreams.MaxUpstreams).ToList()
            : null;
        try { dns.Start(containerId, $"/proc/{pid}/ns/net", name => Lookup(containerId, name), ip => Reverse(containerId, ip), own); }
        catch (SocketException e) { throw new IOException($"starting the embedded DNS server: {e.Message}", e); }
    }

    public void Stop(string containerId) => dns.Stop(containerId);

    /// <summary>The container's user-defined networks, in the order of its interfaces (eth0 first).</summary>
    private IEnumerable<(ContainerEndpoint Endpoint, Network Network)> NetworksOf(string containerId)
    {
        foreach (var endpoint in endpoints.OfContainer(containerId)
                     .OrderBy(e => e.Interface.Length).ThenBy(e => e.Interface, StringComparer.Ordinal))
        {
            Network network;
            try { network = networks.Find(endpoint.NetworkId); }
            catch (Errors.NotFoundException) { continue; } // removed meanwhile
            if (!NetworkModes.IsPredefined(network.Name)) yield return (endpoint, network);
        }
    }

    private IReadOnlyList<IPAddress> Lookup(string containerId, string name)
    {
        foreach (var (endpoint, network) in NetworksOf(containerId))
        {
            var found = endpoints.Lookup(endpoint.NetworkId, name);
            if (found.Count > 0) return found;
            var suffix = "." + network.Name;
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && endpoints.Lookup(endpoint.NetworkId, name[..^suffix.Length]) is { Count: > 0 } qualified)
                return qualified;
        }
        return [];
    }

    private string? Reverse(string containerId, IPAddress address)
    {
        foreach (var (endpoint, network) in NetworksOf(containerId))
            if (endpoints.OnNetwork(endpoint.NetworkId).FirstOrDefault(e => e.IPAddress.Equals(address)) is { } owner)
                return $"{owner.ContainerName}.{network.Name}";
        return null;
    }
}
