using System.Net;
using System.Text;
using Containers.Api;

namespace Containers.Engine.Networks;

/// <summary>
/// The container's /etc/resolv.conf as dockerd writes it: the host's, with --dns, --dns-search and --dns-option
/// replacing its nameservers, search domains and options. Outside host mode the host's loopback nameservers cannot
/// answer from the container's namespace, so they are left out, and with none left dockerd's defaults (8.8.8.8,
/// 8.8.4.4) are written. A container using the embedded DNS (<paramref name="embeddedDns"/>, a user-defined network) gets
/// only <c>nameserver 127.0.0.11</c> (its --dns servers, or the host's, are where the resolver forwards) and, unless its
/// options set ndots, <c>ndots:0</c>, so a container name is asked as it is before any search domain is tried.
/// </summary>
public static class ResolvConf
{
    private static readonly string[] DefaultNameservers = ["8.8.8.8", "8.8.4.4"];

    public static string Build(HostConfig host, string hostResolvConf, bool embeddedDns = false)
    {
        var nameservers = new List<string>();
        var search = new List<string>();
        var options = new List<string>();
        foreach (var line in hostResolvConf.Split('\n'))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) continue;
            switch (fields[0])
            {
                case "nameserver": nameservers.Add(fields[1]); break;
                case "search" or "domain": search = [.. fields[1..]]; break;
                case "options": options.AddRange(fields[1..]); break;
            }
        }
        if (host.NetworkMode != "host")
        {
            nameservers.RemoveAll(n => IPAddress.TryParse(n.Split('%')[0], out var a) && IPAddress.IsLoopback(a));
            if (nameservers.Count == 0) nameservers.AddRange(DefaultNameservers);
        }
        if (host.Dns is { Count: > 0 } dns) nameservers = dns;
        if (host.DnsSearch is { Count: > 0 } domains) search = domains;
        if (host.DnsOptions is { Count: > 0 } dnsOptions) options = dnsOptions;
        if (embeddedDns)
        {
            nameservers = [Dns.EmbeddedDns.Address];
            if (!options.Any(o => o.StartsWith("ndots:", StringComparison.Ordinal))) options = [.. options, "ndots:0"];
        }

        var text = new StringBuilder();
        foreach (var nameserver in nameservers) text.Append("nameserver ").Append(nameserver).Append('\n');
        if (search.Count > 0 && search is not ["."]) text.Append("search ").AppendJoin(' ', search).Append('\n');
        if (options.Count > 0) text.Append("options ").AppendJoin(' ', options).Append('\n');
        return text.ToString();
    }
}
