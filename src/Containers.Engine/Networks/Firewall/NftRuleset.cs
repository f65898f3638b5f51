using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Networks.Firewall;

/// <summary>
/// The engine's whole nftables table (family ip), rendered from a <see cref="FirewallState"/> as a script that replaces
/// it in one transaction: "table" (made if missing), "delete table", then the table with all its chains. The rules are
/// those of dockerd's bridge driver, written for nft:
/// <list type="bullet">
/// <item>nat: published ports DNAT'd in prerouting (traffic from elsewhere and from containers) and in output (the
/// host's own connections, 127.0.0.1 included), both only for local destination addresses (<c>fib daddr type local</c>),
/// on the binding's address or any (0.0.0.0); in postrouting, a bridge's subnet masqueraded when it leaves through
/// another interface, connections from the host's loopback to a container masqueraded as they go out on its bridge
/// (the bridge has route_localnet), and a container reaching a published port of its own bridge masqueraded (hairpin).</item>
/// <item>filter forward: an internal bridge has traffic only within itself; traffic from one of our bridges to another is
/// dropped (isolation) unless it is a connection to a published port; icc=false drops traffic within a bridge; a
/// bridge's containers may go out, replies come back, published ports are reachable, anything else coming in is dropped.</item>
/// <item>filter prerouting (raw): packets arriving on a bridge for 127.0.0.0/8 dropped, so route_localnet never lets a
/// container reach the host's loopback services.</item>
/// </list>
/// Base chains of other tables (dockerd's iptables FORWARD policy DROP, with br_netfilter) still see the packets and
/// can drop what this table accepts; connections from the host's loopback never go through forward.
/// </summary>
public static partial class NftRuleset
{
    /// <summary>The script that deletes the table, whether or not it exists.</summary>
    public static string Delete(string table) => $"table ip {Identifier(table)}\ndelete table ip {Identifier(table)}\n";

    public static string Render(string table, FirewallState state)
    {
        var bridges = state.Bridges.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        foreach (var bridge in bridges) Quote(bridge.Name);
        var internals = bridges.Where(b => b.Internal).Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var mappings = state.Mappings.Where(m => !internals.Contains(m.Bridge))
            .OrderBy(m => m.Bridge, StringComparer.Ordinal).ThenBy(m => m.HostPort).ThenBy(m => m.Protocol, StringComparer.Ordinal)
            .ThenBy(m => m.HostIp.ToString(), StringComparer.Ordinal).ToList();

        var s = new StringBuilder(Delete(table));
        s.Append("table ip ").Append(Identifier(table)).Append(" {\n");

        Chain(s, "published", null, mappings.Select(m =>
            $"{(m.HostIp.Equals(IPAddress.Any) ? "" : $"ip daddr {m.HostIp} ")}{m.Protocol} dport {m.HostPort} dnat to {m.ContainerIp}:{m.ContainerPort}"));
        Chain(s, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", ["fib daddr type local jump published"]);
        Chain(s, "output", "type nat hook output priority -100; policy accept;", ["fib daddr type local jump published"]);
        Chain(s, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", bridges.SelectMany(b => Postrouting(b, mappings)));
        Chain(s, "forward", "type filter hook forward priority filter; policy accept;", Forward(bridges, mappings));
        Chain(s, "guard", "type filter hook prerouting priority raw; policy accept;",
            bridges.Count == 0 ? [] : [$"iifname {Set(bridges.Select(b => b.Name))} ip daddr 127.0.0.0/8 drop"]);
        s.Append("}\n");
        return s.ToString();
    }

    private static IEnumerable<string> Postrouting(FirewallBridge bridge, List<PortMapping> mappings)
    {
        var name = Quote(bridge.Name);
        var own = mappings.Where(m => m.Bridge == bridge.Name).ToList();
        if (own.Any(m => m.ServesLoopback)) yield return $"oifname {name} ip saddr 127.0.0.0/8 masquerade";
        if (own.Count > 0) yield return $"oifname {name} ip saddr {bridge.Subnet} ct status dnat masquerade";
        if (bridge.Masquerade && !bridge.Internal) yield return $"oifname != {name} ip saddr {bridge.Subnet} masquerade";
    }

    private static IEnumerable<string> Forward(List<FirewallBridge> bridges, List<PortMapping> mappings)
    {
        foreach (var bridge in bridges.Where(b => b.Internal))
        {
            yield return $"iifname {Quote(bridge.Name)} oifname != {Quote(bridge.Name)} drop";
            yield return $"oifname {Quote(bridge.Name)} iifname != {Quote(bridge.Name)} drop";
        }
        foreach (var bridge in bridges.Where(b => !b.Internal))
        {
            var others = bridges.Where(o => o.Name != bridge.Name).Select(o => o.Name).ToList();
            if (others.Count > 0) yield return $"iifname {Quote(bridge.Name)} oifname {Set(others)} ct status & dnat == 0 drop";
        }
        foreach (var bridge in bridges)
            yield return $"iifname {Quote(bridge.Name)} oifname {Quote(bridge.Name)} {(bridge.Icc ? "accept" : "drop")}";
        foreach (var m in mappings)
            yield return $"oifname {Quote(m.Bridge)} ip daddr {m.ContainerIp} {m.Protocol} dport {m.ContainerPort} accept";
        foreach (var bridge in bridges.Where(b => !b.Internal))
        {
            var name = Quote(bridge.Name);
            yield return $"iifname {name} accept";
            yield return $"oifname {name} ct state established,related accept";
            yield return $"oifname {name} drop";
        }
    }

    private static void Chain(StringBuilder s, string name, string? hook, IEnumerable<string> rules)
    {
        s.Append("\tchain ").Append(name).Append(" {\n");
        if (hook is not null) s.Append("\t\t").Append(hook).Append('\n');
        foreach (var rule in rules) s.Append("\t\t").Append(rule).Append('\n');
        s.Append("\t}\n");
    }

    private static string Set(IEnumerable<string> names)
    {
        var list = names.Select(Quote).ToList();
        return list.Count == 1 ? list[0] : "{ " + string.Join(", ", list) + " }";
    }

    /// <summary>An interface name in quotes; a name that is no Linux interface name (or could break the script) is refused.</summary>
    private static string Quote(string name) =>
        InterfaceName().IsMatch(name) ? "\"" + name + "\"" : throw new ArgumentException($"invalid interface name for the firewall: {name}", nameof(name));

    private static string Identifier(string table) =>
        TableName().IsMatch(table) ? table : throw new ArgumentException($"invalid nftables table name: {table}", nameof(table));

    /// <summary>What Linux takes as an interface name (printable ASCII, no '/', ':' or blank, at most 15) but a quote or backslash.</summary>
    [GeneratedRegex(@"^[\x21\x23-\x2e\x30-\x39\x3b-\x5b\x5d-\x7e]{1,15}$")]
    private static partial Regex InterfaceName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,62}$")]
    private static partial Regex TableName();
}
