using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Lifecycle;
using Containers.Runtime.Spec;

namespace Containers.Engine.Resources;

/// <summary>
/// <c>docker update</c> as dockerd applies it: the request is a HostConfig whose 0 / "" / null fields mean "unchanged";
/// it is merged into the container's HostConfig with dockerd's conflict rules (its <c>UpdateContainer</c>), and the
/// limits it changed are turned into the runtime's resources for the live cgroup.
/// </summary>
public static class ResourceUpdate
{
    /// <summary>The request as the HostConfig fields it may change (what dockerd's update handler builds).</summary>
    public static HostConfig AsHostConfig(ContainerUpdateRequest request) => new()
    {
        Memory = request.Memory ?? 0,
        MemorySwap = request.MemorySwap ?? 0,
        MemoryReservation = request.MemoryReservation ?? 0,
        NanoCpus = request.NanoCpus ?? 0,
        CpuShares = request.CpuShares ?? 0,
        CpuPeriod = request.CpuPeriod ?? 0,
        CpuQuota = request.CpuQuota ?? 0,
        CpusetCpus = request.CpusetCpus ?? "",
        CpusetMems = request.CpusetMems ?? "",
        PidsLimit = request.PidsLimit,
        BlkioWeight = request.BlkioWeight ?? 0,
        RestartPolicy = request.RestartPolicy ?? new RestartPolicy(),
    };

    /// <summary>Merges <paramref name="change"/> into <paramref name="target"/>; a conflict with what is set is a ConflictException.</summary>
    public static void Merge(HostConfig target, HostConfig change, string containerId)
    {
        // NanoCpus and CPU period/quota are two spellings of one limit: once one is set, the other cannot be changed.
        if (change.NanoCpus > 0 && target.CpuPeriod > 0) throw Conflict(containerId, "Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
        if (change.NanoCpus > 0 && target.CpuQuota > 0) throw Conflict(containerId, "Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
        if (change.CpuPeriod > 0 && target.NanoCpus > 0) throw Conflict(containerId, "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
        if (change.CpuQuota > 0 && target.NanoCpus > 0) throw Conflict(containerId, "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
        if (change.Memory != 0 && change.Memory > target.MemorySwap && change.MemorySwap == 0)
            throw Conflict(containerId, "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
        if (change.RestartPolicy.Name.Length > 0 && target.AutoRemove && change.RestartPolicy.Name != "no")
            throw Conflict(containerId, "Restart policy cannot be updated because AutoRemove is enabled for the container");

        if (change.BlkioWeight != 0) target.BlkioWeight = change.BlkioWeight;
        if (change.CpuShares != 0) target.CpuShares = change.CpuShares;
        if (change.NanoCpus != 0) target.NanoCpus = change.NanoCpus;
        if (change.CpuPeriod != 0) target.CpuPeriod = change.CpuPeriod;
        if (change.CpuQuota != 0) target.CpuQuota = change.CpuQuota;
        if (change.CpusetCpus.Length > 0) target.CpusetCpus = change.CpusetCpus;
        if (change.CpusetMems.Length > 0) target.CpusetMems = change.CpusetMems;
        if (change.Memory != 0) target.Memory = change.Memory;
        if (change.MemorySwap != 0) target.MemorySwap = change.MemorySwap;
        if (change.MemoryReservation != 0) target.MemoryReservation = change.MemoryReservation;
        if (change.PidsLimit is not null) target.PidsLimit = change.PidsLimit;
        if (change.RestartPolicy.Name.Length > 0) target.RestartPolicy = change.RestartPolicy;
    }

    /// <summary>
    /// The runtime resources to write into the live cgroup: each group of limits <paramref name="change"/> touches, with
    /// the merged values (so memory and swap, or quota and period, are written together and stay consistent), and an
    /// explicit "unlimited" where the merged value lifts a limit.
    /// </summary>
    public static ResourcesSpec LiveResources(HostConfig change, HostConfig merged)
    {
        var all = ContainerSpecBuilder.Resources(merged);
        var live = new ResourcesSpec();
        if (change.Memory != 0 || change.MemorySwap != 0 || change.MemoryReservation != 0) live.Memory = all.Memory;
        bool quotaChanged = change.NanoCpus != 0 || change.CpuPeriod != 0 || change.CpuQuota != 0;
        if (change.CpuShares != 0 || quotaChanged || change.CpusetCpus.Length > 0 || change.CpusetMems.Length > 0)
        {
            var cpu = all.Cpu ?? new CpuSpec();
            live.Cpu = new CpuSpec
            {
                Shares = change.CpuShares != 0 ? cpu.Shares : null,
                Quota = quotaChanged ? cpu.Quota ?? -1 : null,
                Period = quotaChanged ? cpu.Period ?? (merged.CpuPeriod > 0 ? (ulong)merged.CpuPeriod : 100_000) : null,
                Cpus = change.CpusetCpus.Length > 0 ? cpu.Cpus : null,
                Mems = change.CpusetMems.Length > 0 ? cpu.Mems : null,
            };
        }
        if (change.PidsLimit is not null) live.Pids = all.Pids ?? new PidsSpec { Limit = 0 };
        if (change.BlkioWeight != 0) live.BlockIO = all.BlockIO;
        return live;
    }

    private static ConflictException Conflict(string containerId, string message) => new($"Cannot update container {containerId}: {message}");
}
