namespace Containers.Engine.Networks.Firewall;

/// <summary>
/// The engine's firewall: one nftables table (family ip) named after the engine's default bridge, so each engine owns
/// exactly one table and never touches another. <see cref="Apply"/> rewrites it whole from the state, atomically (one
/// <c>nft -f -</c>), after turning on what the kernel needs: IPv4 forwarding, and route_localnet on the bridges that
/// receive connections from the host's loopback (127.0.0.1 DNAT'd to a container). Calls are serialized, so the last
/// state applied is the one in the kernel.
/// </summary>
public sealed class FirewallTable(string table, string procSys = "/proc/sys")
{
    private readonly Lock _gate = new();

    public string Table => table;

    public void Apply(FirewallState state)
    {
        var script = NftRuleset.Render(table, state);
        lock (_gate)
        {
            if (state.Bridges.Any(b => !b.Internal)) Enable("net/ipv4/ip_forward");
            foreach (var bridge in state.Mappings.Where(m => m.ServesLoopback).Select(m => m.Bridge).Distinct())
                Enable($"net/ipv4/conf/{bridge}/route_localnet", mustExist: false);
            Nft.Run(script);
        }
    }

    /// <summary>Deletes the table (nothing when there is none).</summary>
    public void Remove()
    {
        lock (_gate) Nft.Run(NftRuleset.Delete(table));
    }

    /// <summary>Writes 1 to a sysctl unless it is 1 already; a bridge's file is skipped when the bridge does not exist.</summary>
    private void Enable(string key, bool mustExist = true)
    {
        var path = Path.Combine(procSys, key);
        if (!mustExist && !File.Exists(path)) return;
        if (File.ReadAllText(path).Trim() != "1") File.WriteAllText(path, "1");
    }
}
