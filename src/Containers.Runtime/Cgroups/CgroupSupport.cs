namespace Containers.Runtime.Cgroups;

/// <summary>
/// Which optional limits this host's cgroups can enforce, read once (as dockerd's sysinfo): the engine warns and
/// drops a setting the kernel would refuse or ignore, rather than fail the container's start.
/// </summary>
public static class CgroupSupport
{
    private static readonly Lazy<bool> swapLimit = new(() => CgroupManager.IsUnifiedHost
        ? OwnUnifiedFile("memory.swap.max")
        : V1RootFile("memory", "memory.memsw.limit_in_bytes"));

    private static readonly Lazy<bool> blkioWeight = new(() => CgroupManager.IsUnifiedHost
        ? OwnUnifiedFile("io.weight") || OwnUnifiedFile("io.bfq.weight")
        : V1RootFile("blkio", "blkio.weight") || V1RootFile("blkio", "blkio.bfq.weight"));

    /// <summary>Memory+swap can be limited (v1 <c>memory.memsw.*</c>, v2 <c>memory.swap.max</c>: swap accounting is on).</summary>
    public static bool SwapLimit => swapLimit.Value;

    /// <summary>A relative block I/O weight can be set (the I/O scheduler exposes blkio.weight / io.weight).</summary>
    public static bool BlkioWeight => blkioWeight.Value;

    private static bool V1RootFile(string controller, string file) =>
        V1Hierarchies.Mounted().FirstOrDefault(h => h.Controllers.Contains(controller)) is { } h && File.Exists(Path.Combine(h.MountPoint, file));

    // Interface files are not shown at the root of the unified tree: look in this process's own cgroup, as dockerd does.
    private static bool OwnUnifiedFile(string file)
    {
        var own = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/";
        return File.Exists(Path.Combine("/sys/fs/cgroup" + own.TrimEnd('/'), file));
    }
}
