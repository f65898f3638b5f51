using System.Net;
using System.Text;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// resolv.conf as the embedded resolver sees it: the host's file gives the upstream servers queries the resolver cannot
/// answer are forwarded to, and containers using the resolver get a file naming it (dockerd's internal-resolver mode).
/// </summary>
public static class ResolvConf
{
    public const string HostPath = "/etc/resolv.conf";
    public const int MaxUpstreams = 3; // dockerd's maxExtDNS, and the number of nameservers the C library uses

    /// <summary>
    /// The nameservers of a resolv.conf text, at most three, as UDP/TCP endpoints on port 53. Loopback ones are left
    /// out as dockerd leaves them out of a container's servers: a 127.x server (systemd-resolved, dnsmasq) means the
    /// host's own loopback, not the container's.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Upstreams(string text)
    {
        var servers = new List<IPEndPoint>();
        foreach (var fields in Lines(text))
            if (fields is ["nameserver", var value, ..] && IPAddress.TryParse(value, out var address) && !IPAddress.IsLoopback(address)
                && servers.Count < MaxUpstreams)
                servers.Add(new IPEndPoint(address, 53));
        return servers;
    }

    /// <summary>The host's upstream servers (none when its resolv.conf cannot be read).</summary>
    public static IReadOnlyList<IPEndPoint> HostUpstreams(string path = HostPath)
    {
        try { return Upstreams(File.ReadAllText(path)); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    /// <summary>
    /// The resolv.conf of a container whose names the embedded resolver answers: <c>nameserver 127.0.0.11</c>, the
    /// search domains (the container's own, else the host's) and the options (the container's, else the host's) with
    /// <c>ndots:0</c> unless one sets ndots, as dockerd writes it for a container on a user-defined network.
    /// </summary>
    public static string ForEmbeddedResolver(string hostText, IReadOnlyList<string>? search = null, IReadOnlyList<string>? options = null)
    {
        var hostSearch = new List<string>();
        var hostOptions = new List<string>();
        foreach (var fields in Lines(hostText))
            switch (fields)
            {
                case ["search" or "domain", .. var domains]: hostSearch = [.. domains]; break;
                case ["options", .. var values]: hostOptions.AddRange(values); break;
            }
        var domainsOut = search is { Count: > 0 } ? search : hostSearch;
        var optionsOut = new List<string>(options is { Count: > 0 } ? options : hostOptions);
        if (!optionsOut.Any(o => o.StartsWith("ndots:", StringComparison.Ordinal))) optionsOut.Add("ndots:0");
        var text = new StringBuilder($"nameserver {EmbeddedDns.Address}\n");
        if (domainsOut.Count > 0) text.Append("search ").AppendJoin(' ', domainsOut).Append('\n');
        text.Append("options ").AppendJoin(' ', optionsOut).Append('\n');
        return text.ToString();
    }

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n').Select(line => line.Split(['#', ';'], 2)[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0);
}
