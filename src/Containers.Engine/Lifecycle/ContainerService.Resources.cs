using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Resources;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// What a container uses and may use: <c>top</c> (its processes, from its cgroup), <c>stats</c> (its cgroup's counters in
/// Docker's shape) and <c>update</c> (new limits, applied to the live cgroup and kept in its HostConfig).
/// </summary>
public sealed partial class ContainerService
{
    /// <summary>docker top: the host's ps, rows of the container's processes only; 409 unless it runs.</summary>
    public async Task<ContainerTopResponse> TopAsync(string idOrName, string? psArgs, CancellationToken cancel)
    {
        var record = store.Get(idOrName);
        var arguments = psArgs ?? ProcessTable.DefaultArguments;
        ProcessTable.Validate(arguments);
        var pids = LivePids(record);
        var table = await ProcessTable.ListAsync(arguments, pids, cancel);
        events.Publish(EventTypes.Container, "top", record.Id, Attributes(record));
        return table;
    }

    /// <summary>The host PIDs in the container's cgroup; Docker's 409 when it does not run.</summary>
    private List<int> LivePids(ContainerRecord record)
    {
        if (record.Status == ContainerStatus.Restarting)
            throw new ConflictException($"Container {record.Id} is restarting, wait until the container is running");
        if (!record.Status.IsRunning) throw NotRunning(record);
        try { return runner.Pids(record.Id); }
        catch (Containers.Runtime.State.ContainerNotFoundException) { throw NotRunning(record); }
    }

    private static ConflictException NotRunning(ContainerRecord record) => new($"container {record.Id} is not running");
}
