using System.Runtime.CompilerServices;
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

    /// <summary>
    /// docker update: Docker's resource rules (as at create), then dockerd's merge into the HostConfig; a container that
    /// runs (or is paused) gets the new limits in its live cgroup first, and only a change that took is kept. A stopped
    /// one gets them at its next start. Publishes "update".
    /// </summary>
    public async Task<ContainerUpdateResponse> UpdateAsync(string idOrName, ContainerUpdateRequest request)
    {
        var record = store.Get(idOrName);
        var change = ResourceUpdate.AsHostConfig(request);
        var warnings = ResourceRules.Verify(change, hostCpus, update: true);
        CreateRequestValidator.ValidateRestartPolicy(change);
        var tracker = Tracker(record.Id);
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            var merged = System.Text.Json.JsonSerializer.Deserialize(
                System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(record.HostConfig, ApiJson.Context.HostConfig), ApiJson.Context.HostConfig)!;
            ResourceUpdate.Merge(merged, change, record.Id);
            if (record.Status == ContainerStatus.Running || record.Status == ContainerStatus.Paused)
            {
                try { warnings.AddRange(runner.UpdateResources(record.Id, ResourceUpdate.LiveResources(change, merged))); }
                catch (Exception e) when (e is IOException or InvalidOperationException or Containers.Runtime.State.ContainerNotFoundException
                    or Containers.Runtime.State.InvalidContainerStateException)
                {
                    throw new ConflictException($"Cannot update container {record.Id}: {e.Message}");
                }
            }
            record = store.Update(record.Id, r => r.HostConfig = merged);
        }
        events.Publish(EventTypes.Container, "update", record.Id, Attributes(record));
        return new ContainerUpdateResponse { Warnings = warnings };
    }

    /// <summary>
    /// docker stats: with <paramref name="stream"/> a sample a second (each carrying the previous one's CPU figures) until
    /// the caller leaves or the container is removed; a container that does not run gives zeroed samples, as dockerd's
    /// collector publishes them. Without, one sample: taken a second after a first one so CPU % can be computed, at once
    /// with <paramref name="oneShot"/>, zeroed at once for a container that does not run.
    /// </summary>
    public IAsyncEnumerable<ContainerStatsResponse> Stats(string idOrName, bool stream, bool oneShot)
    {
        if (stream && oneShot) throw new InvalidParameterException("cannot have stream=true and one-shot=true");
        var record = store.Get(idOrName);
        return SampleAsync(record.Id, stream, oneShot);
    }

    private async IAsyncEnumerable<ContainerStatsResponse> SampleAsync(string id, bool stream, bool oneShot, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        ContainerStatsResponse? previous = null;
        if (!stream && !oneShot && store.TryGet(id) is { } first && Sample(first) is { Read: not ContainerState.ZeroTime } primer)
        {
            previous = primer;
            await Task.Delay(StatsInterval, cancel);
        }
        while (store.TryGet(id) is { } record)
        {
            var sample = Sample(record);
            if (previous is not null)
            {
                sample.PreCpuStats = previous.CpuStats;
                sample.PreRead = previous.Read;
            }
            yield return sample;
            if (!stream) yield break;
            previous = sample;
            await Task.Delay(StatsInterval, cancel);
        }
    }

    private static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(1);

    private ContainerStatsResponse Sample(ContainerRecord record)
    {
        if (record.Status != ContainerStatus.Running && record.Status != ContainerStatus.Paused) return StatsView.Zero(record);
        try
        {
            var read = DateTimeOffset.UtcNow;
            var sample = runner.Stats(record.Id);
            var networks = record.HostConfig.NetworkMode != "host" && runner.Pid(record.Id) is { } pid ? StatsView.Networks(pid) : null;
            return StatsView.From(record, sample, read, networks);
        }
        catch (Exception e) when (e is IOException or Containers.Runtime.State.ContainerNotFoundException)
        {
            return StatsView.Zero(record); // it stopped while being sampled
        }
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
