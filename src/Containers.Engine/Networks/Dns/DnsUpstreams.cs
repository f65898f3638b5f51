using System.Net;

namespace Containers.Engine.Networks.Dns;

/// <summary>The upstream servers of the embedded resolver, from a resolv.conf (the host's, unless a container names its own).</summary>
public static class DnsUpstreams
{
    public const string HostPath = "/etc/resolv.conf";
    public const int MaxUpstreams = 3; // dockerd's maxExtDNS, and the number of nameservers the C library uses

    /// <summary>
    /// The nameservers of a resolv.conf text, at most three, as UDP/TCP endpoints on port 53. Loopback ones are left
    /// out as dockerd leaves them out of a container's servers: a 127.x server (systemd-resolved, dnsmasq) means the
    /// host's own loopback, not the container's.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Parse(string text)
    {
        var servers = new List<IPEndPoint>();
        foreach (var fields in Lines(text))
            if (fields is ["nameserver", var value, ..] && IPAddress.TryParse(value, out var address) && !IPAddress.IsLoopback(address)
                && servers.Count < MaxUpstreams)
                servers.Add(new IPEndPoint(address, 53));
        return servers;
    }

    /// <summary>The host's upstream servers (none when its resolv.conf cannot be read).</summary>
    public static IReadOnlyList<IPEndPoint> FromFile(string path = HostPath)
    {
        try { return Parse(File.ReadAllText(path)); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n').Select(line => line.Split(['#', ';'], 2)[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0);
}
