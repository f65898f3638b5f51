using System.Globalization;
using System.Net;
using Containers.Api;

namespace Containers.Client;

/// <summary>
/// The docker CLI's <c>-p</c>/<c>--publish</c> syntax, <c>[IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]</c>, where either
/// port may be a range (<c>8000-8001:80-81</c>) and an IPv6 address is written in brackets (<c>[::1]:8080:80</c>).
/// An empty or missing host port lets the engine choose one; the protocol is tcp unless given (tcp, udp or sctp).
/// </summary>
public static class PortSpec
{
    /// <summary>Adds each spec's ports to the request's exposed ports and host port bindings.</summary>
    /// <exception cref="FormatException">A spec is not in the docker CLI's syntax; the message says which part.</exception>
    public static void Publish(ContainerCreateRequest request, IEnumerable<string> specs)
    {
        foreach (var spec in specs)
        {
            foreach (var (port, binding) in Parse(spec))
            {
                (request.ExposedPorts ??= [])[port] = new();
                var bindings = (request.HostConfig ??= new()).PortBindings ??= [];
                if (!bindings.TryGetValue(port, out var list)) bindings[port] = list = [];
                list.Add(binding);
            }
        }
    }

    /// <summary>One spec as container ports ("80/tcp") and their host bindings.</summary>
    public static List<(string Port, PortBinding Binding)> Parse(string spec)
    {
        var (rest, protocol) = spec.LastIndexOf('/') is var slash and >= 0 ? (spec[..slash], spec[(slash + 1)..].ToLowerInvariant()) : (spec, "tcp");
        if (protocol is not ("tcp" or "udp" or "sctp")) throw new FormatException($"invalid proto: {protocol}");
        var ip = "";
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':') throw new FormatException($"invalid IP address in {spec}");
            ip = rest[1..close];
            rest = rest[(close + 2)..];
            if (!rest.Contains(':')) rest = ":" + rest;
        }
        var parts = rest.Split(':');
        string hostPort, containerPort;
        switch (parts.Length)
        {
            case 1: hostPort = ""; containerPort = parts[0]; break;
            case 2: hostPort = parts[0]; containerPort = parts[1]; break;
            case 3 when ip.Length == 0: ip = parts[0]; hostPort = parts[1]; containerPort = parts[2]; break;
            default: throw new FormatException($"invalid port specification: \"{spec}\"");
        }
        if (ip.Length > 0 && !IsAddress(ip)) throw new FormatException($"invalid IP address: {ip}");
        if (containerPort.Length == 0) throw new FormatException($"no port specified: {spec}<empty>");
        var (first, last) = Range(containerPort, "containerPort");
        var hostRange = hostPort.Length == 0 ? ((int, int)?)null : Range(hostPort, "hostPort");
        var count = last - first + 1;
        if (hostRange is { } h && h.Item2 - h.Item1 + 1 != count && count != 1)
            throw new FormatException($"invalid ranges specified for container and host Ports: {containerPort} and {hostPort}");

        var result = new List<(string, PortBinding)>();
        for (var i = 0; i < count; i++)
        {
            var host = hostRange switch
            {
                null => "",
                var (lo, hi) when count == 1 && hi != lo => $"{lo}-{hi}", // one container port, a host range: the engine picks within it
                var (lo, _) => (lo + i).ToString(CultureInfo.InvariantCulture),
            };
            result.Add(($"{first + i}/{protocol}", new PortBinding { HostIp = ip, HostPort = host }));
        }
        return result;
    }

    /// <summary>An IPv6 address, or an IPv4 address in four parts (.NET would also take "1.2.3" as 1.2.0.3; Go does not).</summary>
    private static bool IsAddress(string text) =>
        IPAddress.TryParse(text, out var address)
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    private static (int First, int Last) Range(string text, string what)
    {
        var dash = text.IndexOf('-');
        var first = Port(dash < 0 ? text : text[..dash], what);
        var last = dash < 0 ? first : Port(text[(dash + 1)..], what);
        if (last < first) throw new FormatException($"invalid {what}: {text}");
        return (first, last);
    }

    private static int Port(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new FormatException($"invalid {what}: {text}");
}
