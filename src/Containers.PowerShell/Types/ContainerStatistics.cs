using System.Globalization;
using Containers.Api;

namespace Containers.PowerShell.Types;

/// <summary>
/// One sample of a container's resource usage, as Get-ContainerStatistics returns it from the engine's <c>stats</c>, with
/// the figures computed as the docker CLI computes the columns of <c>docker stats</c>: CPU % from the container's and the
/// host's CPU time since the previous sample (times the online CPUs), memory usage without the inactive file cache,
/// network and block I/O summed over interfaces and devices.
/// </summary>
public sealed class ContainerStatistics
{
    /// <summary>The container's name, without Docker's leading slash.</summary>
    public required string Container { get; init; }

    /// <summary>The container's full ID.</summary>
    public required string Id { get; init; }

    /// <summary>CPU use since the previous sample, in percent of one CPU (up to 100 times the online CPUs), as docker stats' CPU %.</summary>
    public double CpuPercent { get; init; }

    /// <summary>Memory in use in bytes, less the inactive file cache (docker stats' MEM USAGE).</summary>
    public ulong MemoryUsage { get; init; }

    /// <summary>The container's memory limit in bytes, or the host's memory when it has none.</summary>
    public ulong MemoryLimit { get; init; }

    /// <summary>MemoryUsage in percent of MemoryLimit.</summary>
    public double MemoryPercent { get; init; }

    /// <summary>Bytes received over all the container's network interfaces.</summary>
    public ulong NetworkRx { get; init; }

    /// <summary>Bytes sent over all the container's network interfaces.</summary>
    public ulong NetworkTx { get; init; }

    /// <summary>Bytes read from block devices.</summary>
    public ulong BlockRead { get; init; }

    /// <summary>Bytes written to block devices.</summary>
    public ulong BlockWrite { get; init; }

    /// <summary>The number of processes and threads in the container.</summary>
    public ulong Pids { get; init; }

    /// <summary>When the engine took the sample.</summary>
    public DateTimeOffset Read { get; init; }

    public static ContainerStatistics FromSample(ContainerStatsResponse sample, string id)
    {
        var memory = sample.MemoryStats;
        var usage = MemoryUsageWithoutCache(memory);
        var blkio = sample.BlkioStats.IoServiceBytesRecursive ?? [];
        ulong Block(string op) => (ulong)blkio.Where(e => string.Equals(e.Op, op, StringComparison.OrdinalIgnoreCase)).Sum(e => (decimal)e.Value);
        var networks = sample.Networks?.Values ?? (IEnumerable<NetworkStats>)[];
        return new ContainerStatistics
        {
            Container = sample.Name?.TrimStart('/') ?? "",
            Id = sample.Id ?? id,
            CpuPercent = CpuShare(sample.CpuStats, sample.PreCpuStats),
            MemoryUsage = usage,
            MemoryLimit = memory.Limit,
            MemoryPercent = memory.Limit == 0 ? 0 : usage * 100.0 / memory.Limit,
            NetworkRx = (ulong)networks.Sum(n => (decimal)n.RxBytes),
            NetworkTx = (ulong)networks.Sum(n => (decimal)n.TxBytes),
            BlockRead = Block("read"),
            BlockWrite = Block("write"),
            Pids = sample.PidsStats.Current,
            Read = DateTimeOffset.TryParse(sample.Read, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var read) ? read : default,
        };
    }

    /// <summary>The docker CLI's CPU %: the container's share of the host's CPU time between the samples, times the online CPUs.</summary>
    private static double CpuShare(CpuStats now, CpuStats before)
    {
        double cpuDelta = (double)now.CpuUsage.TotalUsage - before.CpuUsage.TotalUsage;
        double systemDelta = (double)now.SystemCpuUsage - before.SystemCpuUsage;
        double cpus = now.OnlineCpus != 0 ? now.OnlineCpus : now.CpuUsage.PercpuUsage?.Count ?? 0;
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * cpus * 100 : 0;
    }

    /// <summary>The docker CLI's MEM USAGE: usage less total_inactive_file (cgroup v1) or inactive_file (v2) when smaller.</summary>
    private static ulong MemoryUsageWithoutCache(MemoryStats memory)
    {
        var stats = memory.Stats ?? [];
        if (stats.TryGetValue("total_inactive_file", out var v1) && v1 < memory.Usage) return memory.Usage - v1;
        if (stats.TryGetValue("inactive_file", out var v2) && v2 < memory.Usage) return memory.Usage - v2;
        return memory.Usage;
    }

    public override string ToString() => $"{Container} CPU {CpuPercent:0.00}% MEM {MemoryUsage}/{MemoryLimit}";
}
