using Containers.Api;
using Containers.Engine.Errors;
using Containers.Runtime.Cgroups;

namespace Containers.Engine.Resources;

/// <summary>
/// dockerd's rules for a container's resource limits (its <c>verifyPlatformContainerResources</c>), shared by create
/// and update: impossible values are a 400 with Docker's message; a limit this host cannot enforce is dropped with
/// Docker's warning (swap without swap accounting, block I/O weight without a weight file).
/// </summary>
public static class ResourceRules
{
    public const long MinimumMemory = 6 * 1024 * 1024;

    /// <summary>
    /// Checks <paramref name="host"/>'s resources and adjusts what the host cannot do; returns the warnings. For an
    /// update (<paramref name="update"/>) a field left 0 means "unchanged", so a swap limit alone is allowed.
    /// </summary>
    public static List<string> Verify(HostConfig host, int hostCpus, bool update)
    {
        var warnings = new List<string>();
        if (host.Memory is > 0 and < MinimumMemory) throw new InvalidParameterException("Minimum memory limit allowed is 6MB");
        if (host.Memory > 0 && host.MemorySwap != -1 && !CgroupSupport.SwapLimit)
        {
            warnings.Add("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
            host.MemorySwap = -1;
        }
        if (host.MemorySwap > 0 && host.Memory > 0 && host.MemorySwap < host.Memory)
            throw new InvalidParameterException("Minimum memoryswap limit should be larger than memory limit, see usage");
        if (host.MemorySwap > 0 && host.Memory == 0 && !update)
            throw new InvalidParameterException("You should always set the Memory limit when using Memoryswap limit, see usage");
        if (host.MemoryReservation is > 0 and < MinimumMemory) throw new InvalidParameterException("Minimum memory reservation allowed is 6MB");
        if (host.Memory > 0 && host.MemoryReservation > 0 && host.Memory < host.MemoryReservation)
            throw new InvalidParameterException("Minimum memory limit can not be less than memory reservation limit, see usage");
        if (host.NanoCpus != 0 && host.CpuPeriod != 0) throw new InvalidParameterException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (host.NanoCpus != 0 && host.CpuQuota != 0) throw new InvalidParameterException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        if (host.NanoCpus < 0 || host.NanoCpus > hostCpus * 1_000_000_000L)
            throw new InvalidParameterException($"Range of CPUs is from 0.01 to {hostCpus}.00, as there are only {hostCpus} CPUs available");
        if (host.CpuPeriod != 0 && host.CpuPeriod is < 1000 or > 1_000_000)
            throw new InvalidParameterException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        if (host.CpuQuota is > 0 and < 1000) throw new InvalidParameterException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        if (host.PidsLimit is < -1) throw new InvalidParameterException($"invalid PIDs limit {host.PidsLimit}");
        if (host.BlkioWeight > 0 && !CgroupSupport.BlkioWeight)
        {
            warnings.Add("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
            host.BlkioWeight = 0;
        }
        if (host.BlkioWeight > 0 && host.BlkioWeight is < 10 or > 1000) throw new InvalidParameterException("Range of blkio weight is from 10 to 1000");
        return warnings;
    }

    /// <summary>dockerd's defaults at create: with a memory limit and no swap limit, memory+swap is twice the memory.</summary>
    public static void ApplyCreateDefaults(HostConfig host)
    {
        if (host.Memory > 0 && host.MemorySwap == 0) host.MemorySwap = host.Memory * 2;
    }
}
