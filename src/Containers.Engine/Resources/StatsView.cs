using Containers.Api;
using Containers.Engine.Host;
using Containers.Engine.Lifecycle;
using Containers.Runtime.Cgroups;

namespace Containers.Engine.Resources;

/// <summary>
/// Docker's stats shape (dockerd's <c>stats_unix.go</c>) from one cgroup sample: CPU with the host's CPU time read at
/// the same moment, memory (limit capped at the host's memory, as dockerd does for an unlimited container), pids,
/// block I/O in the v1 or v2 form, and the container's network interfaces.
/// </summary>
public static class StatsView
{
    private const ulong NanosPerTick = 1_000_000_000 / 100; // /proc/stat counts USER_HZ (100) ticks

    private static readonly Lazy<ulong> hostMemory = new(() => (ulong)HostFacts.ReadMemTotal());

    /// <summary>What dockerd sends for a container that does not run: name and ID, every figure zero.</summary>
    public static ContainerStatsResponse Zero(ContainerRecord record) => new() { Name = "/" + record.Name, Id = record.Id };

    public static ContainerStatsResponse From(ContainerRecord record, CgroupStats sample, DateTimeOffset read, Dictionary<string, NetworkStats>? networks)
    {
        var (systemNanos, onlineCpus) = HostCpu();
        var stats = Zero(record);
        stats.Read = ContainerViews.Rfc3339(read);
        stats.PidsStats = new PidsStats { Current = sample.Pids, Limit = sample.PidsLimit };
        stats.BlkioStats = sample.Unified
            ? new BlkioStats { IoServiceBytesRecursive = sample.IoServiceBytes.Count > 0 ? Entries(sample.IoServiceBytes) : null }
            : new BlkioStats
            {
                IoServiceBytesRecursive = Entries(sample.IoServiceBytes), IoServicedRecursive = Entries(sample.IoServiced),
                IoQueueRecursive = [], IoServiceTimeRecursive = [], IoWaitTimeRecursive = [], IoMergedRecursive = [], IoTimeRecursive = [], SectorsRecursive = [],
            };
        stats.CpuStats = new CpuStats
        {
            CpuUsage = new CpuUsage
            {
                TotalUsage = sample.Cpu.TotalNanos,
                PercpuUsage = sample.Cpu.PerCpuNanos.Count > 0 ? [.. sample.Cpu.PerCpuNanos] : null,
                UsageInKernelmode = sample.Cpu.KernelNanos,
                UsageInUsermode = sample.Cpu.UserNanos,
            },
            SystemCpuUsage = systemNanos,
            OnlineCpus = onlineCpus,
            ThrottlingData = new ThrottlingData
            {
                Periods = sample.Cpu.Periods, ThrottledPeriods = sample.Cpu.ThrottledPeriods, ThrottledTime = sample.Cpu.ThrottledNanos,
            },
        };
        stats.MemoryStats = new MemoryStats
        {
            Usage = sample.Memory.Usage,
            MaxUsage = sample.Memory.MaxUsage,
            Failcnt = sample.Memory.Failcnt,
            Stats = new Dictionary<string, ulong>(sample.Memory.Stat),
            Limit = hostMemory.Value > 0 && sample.Memory.Limit > hostMemory.Value ? hostMemory.Value : sample.Memory.Limit,
        };
        stats.Networks = networks;
        return stats;
    }

    /// <summary>
    /// The interfaces of the network namespace of <paramref name="pid"/> but loopback (<c>/proc/PID/net/dev</c>); null
    /// when there is none, so a container without a network of its own has no <c>networks</c>, as with Docker.
    /// </summary>
    public static Dictionary<string, NetworkStats>? Networks(int pid)
    {
        var file = $"/proc/{pid}/net/dev";
        if (!File.Exists(file)) return null;
        var networks = new Dictionary<string, NetworkStats>();
        // "  eth0: rxbytes rxpackets rxerrs rxdrop fifo frame compressed multicast txbytes txpackets txerrs txdrop ..."
        foreach (var line in File.ReadLines(file).Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var v = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => ulong.TryParse(t, out ulong n) ? n : 0).ToArray();
            if (name == "lo" || v.Length < 12) continue;
            networks[name] = new NetworkStats
            {
                RxBytes = v[0], RxPackets = v[1], RxErrors = v[2], RxDropped = v[3],
                TxBytes = v[8], TxPackets = v[9], TxErrors = v[10], TxDropped = v[11],
            };
        }
        return networks.Count > 0 ? networks : null;
    }

    /// <summary>The host's CPU time (user..softirq of /proc/stat's "cpu" line, as dockerd sums it) and its online CPUs.</summary>
    private static (ulong Nanos, uint OnlineCpus) HostCpu()
    {
        ulong ticks = 0;
        uint cpus = 0;
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
                ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(7).Aggregate(0UL, (sum, t) => sum + ulong.Parse(t));
            else if (line.StartsWith("cpu", StringComparison.Ordinal) && line.Length > 3 && char.IsAsciiDigit(line[3])) cpus++;
            else if (!line.StartsWith("cpu", StringComparison.Ordinal)) break;
        }
        return (ticks * NanosPerTick, cpus);
    }

    private static List<BlkioStatEntry> Entries(IReadOnlyList<CgroupIoEntry> entries) =>
        [.. entries.Select(e => new BlkioStatEntry { Major = e.Major, Minor = e.Minor, Op = e.Op, Value = e.Value })];
}
