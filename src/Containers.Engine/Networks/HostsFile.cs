using System.Net;
using System.Text;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Networks;

/// <summary>
/// The container's /etc/hosts as dockerd writes it: localhost and the IPv6 names, the --add-host entries
/// ("host-gateway" is the default bridge's gateway), then the container's own addresses (one line per network it is
/// on) with its hostname (127.0.1.1 when it has no bridge address: none mode). In host mode the host's own file is the
/// base.
/// </summary>
public static class HostsFile
{
    public const string HostGateway = "host-gateway";

    private const string Defaults = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

    public static string Build(ContainerConfig config, HostConfig host, IReadOnlyList<string> ownAddresses, string? hostGateway)
    {
        var text = new StringBuilder();
        text.Append(host.NetworkMode == "host" && File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts").TrimEnd('\n') + "\n" : Defaults);
        foreach (var (name, address) in (host.ExtraHosts ?? []).Select(ParseExtraHost))
            text.Append(address == HostGateway ? hostGateway ?? "" : address).Append('\t').Append(name).Append('\n');
        if (host.NetworkMode == "host") return text.ToString();
        var names = config.Domainname.Length > 0 ? $"{config.Hostname}.{config.Domainname} {config.Hostname}" : config.Hostname;
        foreach (var address in ownAddresses.Count > 0 ? ownAddresses : ["127.0.1.1"])
            text.Append(address).Append('\t').Append(names).Append('\n');
        return text.ToString();
    }

    /// <summary>An --add-host entry, "name:address" or "name=address" (the address may be IPv6 or host-gateway).</summary>
    public static (string Name, string Address) ParseExtraHost(string entry)
    {
        var separator = entry.IndexOfAny(['=', ':']);
        if (separator <= 0) throw new InvalidParameterException($"invalid extra host: {entry}: expected name:address");
        var (name, address) = (entry[..separator], entry[(separator + 1)..].Trim('[', ']'));
        if (address != HostGateway && !IPAddress.TryParse(address, out _))
            throw new InvalidParameterException($"invalid IP address in add-host: \"{address}\"");
        return (name, address);
    }
}
