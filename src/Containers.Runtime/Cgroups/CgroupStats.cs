namespace Containers.Runtime.Cgroups;

/// <summary>
/// One sample of a container's cgroup counters, for the engine's stats endpoint: what cgroup v1 (cpuacct, cpu, memory,
/// pids, blkio) or v2 (cpu.stat, memory.*, pids.*, io.stat) report, in the units Docker reports them (nanoseconds, bytes).
/// </summary>
public sealed record CgroupStats
{
    /// <summary>Read from the unified (v2) hierarchy: memory statistics carry v2's names, block I/O is io.stat's.</summary>
    public bool Unified { get; init; }
    public CgroupCpu Cpu { get; init; } = new();
    public CgroupMemory Memory { get; init; } = new();
    public ulong Pids { get; init; }
    /// <summary>pids.max; 0 when unlimited.</summary>
    public ulong PidsLimit { get; init; }
    /// <summary>Bytes read and written per device (v1: blkio's Read/Write/Sync/Async/Discard/Total ops; v2: read/write).</summary>
    public IReadOnlyList<CgroupIoEntry> IoServiceBytes { get; init; } = [];
    /// <summary>I/O operations per device, in the same shape (v1 only).</summary>
    public IReadOnlyList<CgroupIoEntry> IoServiced { get; init; } = [];
}

/// <summary>CPU time used, in nanoseconds; per CPU on v1 only (cpuacct.usage_percpu); CFS throttling.</summary>
public sealed record CgroupCpu
{
    public ulong TotalNanos { get; init; }
    public IReadOnlyList<ulong> PerCpuNanos { get; init; } = [];
    public ulong KernelNanos { get; init; }
    public ulong UserNanos { get; init; }
    public ulong Periods { get; init; }
    public ulong ThrottledPeriods { get; init; }
    public ulong ThrottledNanos { get; init; }
}

/// <summary>Memory charged to the cgroup; <see cref="Limit"/> is the kernel's value (huge when unlimited).</summary>
public sealed record CgroupMemory
{
    public ulong Usage { get; init; }
    /// <summary>v1 memory.max_usage_in_bytes; 0 on v2 (Docker does not report it there).</summary>
    public ulong MaxUsage { get; init; }
    public ulong Limit { get; init; } = ulong.MaxValue;
    /// <summary>v1 memory.failcnt; v2 memory.events' oom count.</summary>
    public ulong Failcnt { get; init; }
    /// <summary>memory.stat as it is (v1: cache, rss, total_inactive_file...; v2: anon, file, inactive_file...).</summary>
    public IReadOnlyDictionary<string, ulong> Stat { get; init; } = new Dictionary<string, ulong>();
}

public sealed record CgroupIoEntry(ulong Major, ulong Minor, string Op, ulong Value);

/// <summary>Reading cgroup interface files: numbers, "max", flat keyed files and per-device files.</summary>
internal static class CgroupFiles
{
    /// <summary>USER_HZ: the unit of cpuacct.stat (fixed at 100 by the kernel's ABI).</summary>
    private const ulong ClockTicks = 100;

    public static ulong TicksToNanos(ulong ticks) => ticks * (1_000_000_000 / ClockTicks);

    public static ulong Number(string file) =>
        File.Exists(file) && ulong.TryParse(File.ReadAllText(file).Trim(), out ulong v) ? v : 0;

    /// <summary>A limit file: "max" (or a missing file) is <paramref name="unlimited"/>.</summary>
    public static ulong Limit(string file, ulong unlimited) =>
        File.Exists(file) && ulong.TryParse(File.ReadAllText(file).Trim(), out ulong v) ? v : unlimited;

    public static List<ulong> Numbers(string file) =>
        File.Exists(file) ? [.. File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => ulong.TryParse(t, out ulong v) ? v : 0)] : [];

    /// <summary>"key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events).</summary>
    public static Dictionary<string, ulong> Keyed(string file)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (!File.Exists(file)) return values;
        foreach (var line in File.ReadLines(file))
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var key, var text] && ulong.TryParse(text, out ulong v)) values[key] = v;
        return values;
    }

    /// <summary>v1 blkio files: "MAJ:MIN Op value" lines (the "Total N" summary line is left out, as containerd does).</summary>
    public static List<CgroupIoEntry> Blkio(string file)
    {
        var entries = new List<CgroupIoEntry>();
        if (!File.Exists(file)) return entries;
        foreach (var line in File.ReadLines(file))
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var device, var op, var text]
                && Device(device) is { } d && ulong.TryParse(text, out ulong v))
                entries.Add(new CgroupIoEntry(d.Major, d.Minor, op, v));
        return entries;
    }

    /// <summary>v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N ..." → read and write bytes per device.</summary>
    public static List<CgroupIoEntry> IoStatBytes(string file)
    {
        var entries = new List<CgroupIoEntry>();
        if (!File.Exists(file)) return entries;
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || Device(fields[0]) is not { } d) continue;
            var values = fields.Skip(1).Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => ulong.TryParse(kv[1], out ulong v) ? v : 0);
            entries.Add(new CgroupIoEntry(d.Major, d.Minor, "read", values.GetValueOrDefault("rbytes")));
            entries.Add(new CgroupIoEntry(d.Major, d.Minor, "write", values.GetValueOrDefault("wbytes")));
        }
        return entries;
    }

    private static (ulong Major, ulong Minor)? Device(string text) =>
        text.Split(':') is [var major, var minor] && ulong.TryParse(major, out ulong ma) && ulong.TryParse(minor, out ulong mi) ? (ma, mi) : null;
}
