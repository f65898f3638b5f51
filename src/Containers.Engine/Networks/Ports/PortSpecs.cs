using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Networks.Ports;

/// <summary>
/// One host binding a container asks for: its port ("80/tcp"), the host address (0.0.0.0: every local address) and
/// the host ports it may take (0-0: a free one from the dynamic range; a-a: exactly a; a-b: the first free in a..b).
/// </summary>
public sealed record PortRequest(int ContainerPort, string Protocol, IPAddress HostIp, int HostPortStart, int HostPortEnd)
{
    public bool IsExact => HostPortStart != 0 && HostPortStart == HostPortEnd;
}

/// <summary>
/// The ports a container publishes, read from <c>HostConfig.PortBindings</c> (keys "80/tcp", "53/udp", "80" meaning
/// tcp; HostPort "", "8080" or a range "8000-8010") and, with <c>PublishAllPorts</c> (<c>-P</c>), every exposed port
/// without a binding, published on a free port. Docker's create-time checks are <see cref="Validate"/>.
/// </summary>
public static class PortSpecs
{
    /// <summary>The address a binding without HostIp takes (dockerd's default <c>host_binding_ipv4</c>).</summary>
    public static readonly IPAddress DefaultHostIp = IPAddress.Any;

    /// <summary>dockerd's checks of PortBindings at create: "invalid port specification" (400) for a bad port.</summary>
    public static void Validate(HostConfig host)
    {
        foreach (var (key, bindings) in host.PortBindings ?? [])
        {
            ParseKey(key);
            foreach (var binding in bindings ?? [])
            {
                ParseHostPorts(binding.HostPort);
                ParseHostIp(binding.HostIp);
            }
        }
    }

    /// <summary>The bindings of a container, in port order (as Docker sorts them), each exposed-only port of -P with a free port.</summary>
    public static List<PortRequest> Requests(HostConfig host, IReadOnlyDictionary<string, EmptyObject>? exposed)
    {
        var byKey = new SortedDictionary<(int Port, string Protocol), List<PortBinding>>();
        foreach (var (key, bindings) in host.PortBindings ?? [])
            byKey[ParseKey(key)] = [.. bindings ?? []];
        if (host.PublishAllPorts)
            foreach (var key in exposed?.Keys ?? [])
                if (!byKey.TryGetValue(ParseKey(key), out var list) || list.Count == 0) byKey[ParseKey(key)] = [new PortBinding()];
        var requests = new List<PortRequest>();
        foreach (var ((port, protocol), bindings) in byKey)
            foreach (var binding in bindings)
            {
                var (start, end) = ParseHostPorts(binding.HostPort);
                requests.Add(new PortRequest(port, protocol, ParseHostIp(binding.HostIp), start, end));
            }
        return requests;
    }

    /// <summary>A container port key as Docker's nat.SplitProtoPort reads it: "80/tcp", "53/udp", "80" (tcp).</summary>
    public static (int Port, string Protocol) ParseKey(string key)
    {
        var slash = key.IndexOf('/');
        var number = slash < 0 ? key : key[..slash];
        var protocol = slash < 0 || slash == key.Length - 1 ? "tcp" : key[(slash + 1)..].ToLowerInvariant();
        if (!TryParsePort(number, out var port) || port == 0) throw new InvalidParameterException($"invalid port specification: \"{number}\"");
        return protocol switch
        {
            "tcp" or "udp" => (port, protocol),
            "sctp" => throw new FeatureNotImplementedException("publishing SCTP ports is not supported by this engine"),
            _ => throw new InvalidParameterException($"invalid port specification: \"{key}\""),
        };
    }

    /// <summary>The normal form of a port key: "80" is "80/tcp".</summary>
    public static string NormalizeKey(string key)
    {
        var (port, protocol) = ParseKey(key);
        return port.ToString(CultureInfo.InvariantCulture) + "/" + protocol;
    }

    /// <summary>A binding's HostPort: "" (any free port), "8080", or "8000-8010" (the first free one of them).</summary>
    public static (int Start, int End) ParseHostPorts(string? text)
    {
        if (string.IsNullOrEmpty(text)) return (0, 0);
        var dash = text.IndexOf('-');
        if (dash < 0 && TryParsePort(text, out var single)) return (single, single);
        if (dash > 0 && TryParsePort(text[..dash], out var start) && TryParsePort(text[(dash + 1)..], out var end) && start <= end)
            return (start, end);
        throw new InvalidParameterException($"invalid port specification: \"{text}\"");
    }

    /// <summary>A binding's HostIp: "" is 0.0.0.0; an IPv6 address needs IPv6 networking, which this engine does not have.</summary>
    public static IPAddress ParseHostIp(string? text)
    {
        if (string.IsNullOrEmpty(text)) return DefaultHostIp;
        if (Ipam.TryParseAddress(text) is { } v4) return IPAddress.Parse(Ipam.Format(v4));
        if (IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6)
            throw new FeatureNotImplementedException($"publishing on the IPv6 address {text} is not supported by this engine");
        throw new InvalidParameterException($"invalid host IP address: \"{text}\"");
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && text.Length <= 5;
}
