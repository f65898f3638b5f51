using System.Collections.Concurrent;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Networks;
using Containers.Runtime;
using Containers.Runtime.Launch;
using Containers.Runtime.Spec;
using Containers.Runtime.State;
using Containers.Snapshots;
using RuntimeExit = Containers.Runtime.State.ExitStatus;
using RuntimeStatus = Containers.Runtime.State.Status;
using ContainerState = Containers.Api.ContainerState;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Running containers: start, stop, kill, restart, pause, wait, and what happens when a container's process ends —
/// the record updated, "die" published, then Docker's restart policy or AutoRemove. Every container that runs has
/// one monitor task awaiting its exit through the runtime (which learns it from the container's shim, so an exit while
/// the engine was down is found at the next start by <see cref="RestoreAsync"/>).
/// </summary>
public sealed partial class ContainerService
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StableRun = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ContainerTracker> _trackers = new(StringComparer.Ordinal);

    public ContainerTracker Tracker(string id) => _trackers.GetOrAdd(id, _ => new ContainerTracker());

    /// <summary>docker start; false when it already runs (the API's 304).</summary>
    public async Task<bool> StartAsync(string idOrName)
    {
        var record = store.Get(idOrName);
        var tracker = Tracker(record.Id);
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            if (record.Status == ContainerStatus.Paused) throw new ConflictException("cannot start a paused container, try unpause instead");
            if (record.Status == ContainerStatus.Running) return false;
            CancelPendingRestart(tracker);
            store.Update(record.Id, r => r.StoppedByUser = false);
            await RunAsync(record, tracker);
            return true;
        }
    }

    /// <summary>Starts the container's process and its monitor; called under the container's gate.</summary>
    private async Task RunAsync(ContainerRecord record, ContainerTracker tracker)
    {
        int pid;
        List<ContainerEndpoint> endpoints;
        try
        {
            var networkNamespace = record.HostConfig.NetworkMode.StartsWith("container:", StringComparison.Ordinal)
                ? NetworkNamespaceOf(record.HostConfig.NetworkMode["container:".Length..])
                : null;
            endpoints = networking.Allocate(record);
            var ports = networking.Publish(record, endpoints);
            record = store.Update(record.Id, r =>
            {
                EndpointView.Record(r, endpoints);
                r.NetworkSettings.Ports = ports;
            });
            WriteHostsFile(record);
            WriteResolvConf(record);
            pid = await Task.Run(() => runner.Start(record, store.DirectoryOf(record.Id), networkNamespace,
                created =>
                {
                    var wiring = System.Diagnostics.Stopwatch.GetTimestamp();
                    networking.Attach(record, created, endpoints);
                    networking.StartDns(record, created);
                    if (endpoints.Count > 0)
                        log.LogDebug("container {Id}: network attached in {Milliseconds} ms", record.Id[..12],
                            System.Diagnostics.Stopwatch.GetElapsedTime(wiring).TotalMilliseconds.ToString("F1"));
                }));
        }
        catch (Exception e)
        {
            networking.DetachAll(record.Id);
            store.Update(record.Id, EndpointView.Clear);
            if (e is DomainException)
            {
                FailStart(record, tracker, e.Message, record.State.ExitCode);
                throw;
            }
            if (e is not (ContainerStartException or InvalidSpecException or IOException or ArgumentException or InvalidOperationException)) throw;
            // As dockerd: the start fails with the runtime's reason, the container keeps its status, State.Error says why.
            var code = e.Message.Contains("not found", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("no such file", StringComparison.OrdinalIgnoreCase) ? 127
                : e.Message.Contains("permission denied", StringComparison.OrdinalIgnoreCase) ? 126 : 128;
            FailStart(record, tracker, e.Message, code);
            throw new InvalidParameterException($"failed to create task for container: {e.Message}");
        }
        var now = ContainerViews.Rfc3339(DateTimeOffset.UtcNow);
        record = store.Update(record.Id, r =>
        {
            r.State = new ContainerState
            {
                Status = ContainerStatus.Running.Name, Running = true, Pid = pid, StartedAt = now, FinishedAt = r.State.FinishedAt,
                Health = StartingHealth(r),
            };
        });
        PublishNetworkEvents("connect", record.Id, endpoints);
        events.Publish(EventTypes.Container, "start", record.Id, Attributes(record));
        Monitor(record.Id, tracker);
        StartHealthMonitor(record);
    }

    /// <summary>Whether a running container uses this one's network namespace (network mode container:X).</summary>
    private bool SharesItsNetwork(ContainerRecord record) => store.List().Any(r => r.Status.IsRunning
        && NetworkModes.IsContainer(r.HostConfig.NetworkMode)
        && store.TryGet(r.HostConfig.NetworkMode[NetworkModes.ContainerPrefix.Length..])?.Id == record.Id);

    /// <summary>A start that failed: State.Error says why, attaches end, and (as dockerd) an AutoRemove container goes, with its anonymous volumes.</summary>
    private void FailStart(ContainerRecord record, ContainerTracker tracker, string error, int exitCode)
    {
        record = store.Update(record.Id, r => { r.State.Error = error; r.State.ExitCode = exitCode; });
        tracker.EndAttaches();
        if (record.HostConfig.AutoRemove) RemoveLocked(record, removeVolumes: true);
    }

    private string NetworkNamespaceOf(string other)
    {
        var target = store.Get(other);
        var pid = runner.Pid(target.Id) ?? throw new ConflictException($"cannot join network of a non running container: {target.Id}");
        return $"/proc/{pid}/ns/net";
    }

    private void Monitor(string id, ContainerTracker tracker) => _ = Task.Run(async () =>
    {
        RuntimeExit exit;
        try
        {
            exit = await runner.WaitAsync(id, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return; // the engine stops; the container goes on and is re-adopted at the next start
        }
        catch (Exception e)
        {
            log.LogError("waiting for container {Id} failed: {Message}", id, e.Message);
            exit = new RuntimeExit { ExitCode = 255, FinishedAt = DateTime.UtcNow };
        }
        await HandleExitAsync(id, tracker, exit);
    });

    /// <summary>A run ended: tear down, record, publish, then restart by policy or auto-remove.</summary>
    private async Task HandleExitAsync(string id, ContainerTracker tracker, RuntimeExit exit)
    {
        using (await tracker.LockAsync())
        {
            StopHealthMonitor(id);
            if (store.TryGet(id) is not { } record) return;
            try { runner.Cleanup(id); }
            catch (Exception e) { log.LogWarning("cleaning up after container {Id} failed: {Message}", id, e.Message); }
            List<ContainerEndpoint> detached = [];
            try { detached = networking.DetachAll(id, namespaceDies: !SharesItsNetwork(record)); }
            catch (IOException e) { log.LogWarning("detaching container {Id} from its networks failed: {Message}", id, e.Message); }
            var startedAt = ContainerViews.ParseTime(record.State.StartedAt);
            var finished = new DateTimeOffset(DateTime.SpecifyKind(exit.FinishedAt, DateTimeKind.Utc));
            record = store.Update(id, r =>
            {
                r.State = new ContainerState
                {
                    Status = ContainerStatus.Exited.Name, ExitCode = exit.ExitCode, OOMKilled = exit.OomKilled,
                    StartedAt = r.State.StartedAt, FinishedAt = ContainerViews.Rfc3339(finished), Health = r.State.Health,
                };
                EndpointView.Clear(r);
            });
            if (exit.OomKilled) events.Publish(EventTypes.Container, "oom", id, Attributes(record));
            events.Publish(EventTypes.Container, "die", id, new Dictionary<string, string>(Attributes(record)) { ["exitCode"] = exit.ExitCode.ToString() });
            PublishNetworkEvents("disconnect", id, detached);
            tracker.Exited(new ExitResult(exit.ExitCode));

            if (!_shuttingDown && ShouldRestart(record, exit.ExitCode))
            {
                tracker.RestartDelay = finished - startedAt >= StableRun || tracker.RestartDelay == TimeSpan.Zero
                    ? FirstRestartDelay
                    : TimeSpan.FromTicks(Math.Min(tracker.RestartDelay.Ticks * 2, MaxRestartDelay.Ticks));
                store.Update(id, r => r.MoveTo(ContainerStatus.Restarting));
                ScheduleRestart(id, tracker, tracker.RestartDelay);
            }
            else if (record.HostConfig.AutoRemove)
            {
                // As dockerd (docker run --rm): the anonymous volumes go with the container.
                RemoveLocked(record, removeVolumes: true);
            }
        }
    }

    /// <summary>Docker's policies: always and unless-stopped unless the user stopped it; on-failure[:N] on a non-zero exit.</summary>
    private static bool ShouldRestart(ContainerRecord r, int exitCode) => !r.StoppedByUser && r.HostConfig.RestartPolicy.Name switch
    {
        "always" or "unless-stopped" => true,
        "on-failure" => exitCode != 0 && (r.HostConfig.RestartPolicy.MaximumRetryCount == 0 || r.RestartCount < r.HostConfig.RestartPolicy.MaximumRetryCount),
        _ => false,
    };

    private void ScheduleRestart(string id, ContainerTracker tracker, TimeSpan delay)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        tracker.PendingRestart = cancel;
        _ = Task.Run(async () =>
        {
            try { await Task.Delay(delay, cancel.Token); }
            catch (OperationCanceledException) { return; }
            using (await tracker.LockAsync())
            {
                if (cancel.IsCancellationRequested || store.TryGet(id) is not { } record || record.Status != ContainerStatus.Restarting) return;
                tracker.PendingRestart = null;
                record = store.Update(id, r => r.RestartCount++);
                try
                {
                    await RunAsync(record, tracker);
                    events.Publish(EventTypes.Container, "restart", id, Attributes(record));
                }
                catch (DomainException e)
                {
                    log.LogWarning("restarting container {Id} failed: {Message}", id, e.Message);
                    store.Update(id, r => r.MoveTo(ContainerStatus.Exited));
                }
            }
        });
    }

    private static void CancelPendingRestart(ContainerTracker tracker)
    {
        tracker.PendingRestart?.Cancel();
        tracker.PendingRestart = null;
    }

    /// <summary>docker stop: the stop signal, SIGKILL after the timeout; false when it was not running (304).</summary>
    public async Task<bool> StopAsync(string idOrName, int? timeoutSeconds, string? signal) =>
        await StopAsync(store.Get(idOrName), timeoutSeconds, signal, byUser: true);

    /// <summary>A stop by the user (no policy restart until the next docker start) or by the engine's shutdown.</summary>
    private async Task<bool> StopAsync(ContainerRecord record, int? timeoutSeconds, string? signal, bool byUser)
    {
        var tracker = Tracker(record.Id);
        var number = ParseSignal(signal ?? record.Config.StopSignal ?? "SIGTERM");
        var timeout = timeoutSeconds ?? record.Config.StopTimeout ?? 10;
        Task<ExitResult> exited;
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            if (record.Status == ContainerStatus.Restarting)
            {
                CancelPendingRestart(tracker);
                record = store.Update(record.Id, r => { r.StoppedByUser = true; r.MoveTo(ContainerStatus.Exited); });
                events.Publish(EventTypes.Container, "stop", record.Id, Attributes(record));
                return true;
            }
            if (!record.Status.IsRunning) return false;
            if (byUser) record = store.Update(record.Id, r => r.StoppedByUser = true);
            exited = tracker.NextExit;
            if (record.Status == ContainerStatus.Paused) Unfreeze(record);
            try { SignalLocked(record, number); }
            catch (ConflictException) { } // it ended just now: its exit is on the way to the monitor, which needs this gate
        }

        if (timeout >= 0 && await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(timeout))) != exited)
        {
            try { SignalLocked(record, 9); }
            catch (ConflictException) { } // it ended meanwhile
        }
        await exited;
        events.Publish(EventTypes.Container, "stop", record.Id, Attributes(store.TryGet(record.Id) ?? record));
        return true;
    }

    /// <summary>docker kill: any signal; the container counts as stopped by the user (no policy restart).</summary>
    public async Task KillAsync(string idOrName, string? signal)
    {
        var record = store.Get(idOrName);
        var number = ParseSignal(signal ?? "SIGKILL");
        var tracker = Tracker(record.Id);
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            if (record.Status == ContainerStatus.Restarting)
            {
                CancelPendingRestart(tracker);
                store.Update(record.Id, r => { r.StoppedByUser = true; r.MoveTo(ContainerStatus.Exited); });
                return;
            }
            if (!record.Status.IsRunning) throw new ConflictException($"Cannot kill container: {idOrName}: Container {record.Id} is not running");
            store.Update(record.Id, r => r.StoppedByUser = true);
            SignalLocked(record, number);
        }
    }

    private void SignalLocked(ContainerRecord record, int signal)
    {
        try
        {
            runner.Kill(record.Id, signal);
        }
        catch (Exception e) when (e is InvalidContainerStateException or Containers.Runtime.State.ContainerNotFoundException)
        {
            throw new ConflictException($"Container {record.Id} is not running");
        }
        events.Publish(EventTypes.Container, "kill", record.Id, new Dictionary<string, string>(Attributes(record)) { ["signal"] = signal.ToString() });
    }

    private static int ParseSignal(string text)
    {
        try { return Signals.Parse(text); }
        catch (ArgumentException e) { throw new InvalidParameterException(e.Message); }
    }

    /// <summary>docker restart: stop (if running), then start; the restart count is for policy restarts only.</summary>
    public async Task RestartAsync(string idOrName, int? timeoutSeconds, string? signal)
    {
        await StopAsync(idOrName, timeoutSeconds, signal);
        await StartAsync(idOrName);
        var record = store.Get(idOrName);
        events.Publish(EventTypes.Container, "restart", record.Id, Attributes(record));
    }

    public async Task PauseAsync(string idOrName)
    {
        var record = store.Get(idOrName);
        var tracker = Tracker(record.Id);
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            if (record.Status == ContainerStatus.Paused) throw new ConflictException($"Container {record.Id} is already paused");
            if (record.Status != ContainerStatus.Running) throw new ConflictException($"Container {record.Id} is not running");
            runner.Pause(record.Id);
            StopHealthMonitor(record.Id);
            record = store.Update(record.Id, r => r.MoveTo(ContainerStatus.Paused));
            events.Publish(EventTypes.Container, "pause", record.Id, Attributes(record));
        }
    }

    public async Task UnpauseAsync(string idOrName)
    {
        var record = store.Get(idOrName);
        var tracker = Tracker(record.Id);
        using (await tracker.LockAsync())
        {
            record = store.Get(record.Id);
            if (record.Status != ContainerStatus.Paused) throw new ConflictException($"Container {record.Id} is not paused");
            Unfreeze(record);
        }
    }

    private void Unfreeze(ContainerRecord record)
    {
        runner.Resume(record.Id);
        record = store.Update(record.Id, r => r.MoveTo(ContainerStatus.Running));
        StartHealthMonitor(record);
        events.Publish(EventTypes.Container, "unpause", record.Id, Attributes(record));
    }

    /// <summary>
    /// docker wait: "not-running" (default) answers at once for a container that does not run; "next-exit" waits for the
    /// end of the current or next run; "removed" for the container's removal.
    /// </summary>
    public async Task<ExitResult> WaitAsync(string idOrName, string? condition, CancellationToken cancel)
    {
        var record = store.Get(idOrName);
        var tracker = Tracker(record.Id);
        switch (condition)
        {
            case null or "" or "not-running":
                if (!record.Status.IsRunning) return new ExitResult(record.State.ExitCode);
                return await tracker.NextExit.WaitAsync(cancel);
            case "next-exit":
                return await tracker.NextExit.WaitAsync(cancel);
            case "removed":
                var exit = tracker.NextExit;
                await tracker.Removed.Task.WaitAsync(cancel);
                return exit.IsCompleted ? await exit : new ExitResult(record.State.ExitCode);
            default:
                throw new InvalidParameterException($"invalid condition: \"{condition}\"");
        }
    }

    /// <summary>
    /// At engine start: every container the records call running is checked against the runtime — still running:
    /// adopted (its monitor starts again); ended while the engine was down: its exit is recorded and its policy applied;
    /// unknown to the runtime (the host rebooted): exited with 255. Then Docker's start-up rule: containers with policy
    /// always, or unless-stopped and not stopped by the user, are started.
    /// </summary>
    public async Task RestoreAsync()
    {
        _ = _mountsDirectory.Value; // a killed engine's temporary mounts of container snapshots go before any container starts
        RemoveOrphanSnapshots();
        var toStart = new List<string>();
        var adoptedEndpoints = new List<ContainerEndpoint>();
        foreach (var record in store.List())
        {
            var tracker = Tracker(record.Id);
            var status = runner.Status(record.Id);
            if (record.Status.IsRunning && status is RuntimeStatus.Running or RuntimeStatus.Paused)
            {
                var adopted = store.Update(record.Id, r =>
                {
                    r.MoveTo(status == RuntimeStatus.Paused ? ContainerStatus.Paused : ContainerStatus.Running);
                    r.State.Health = StartingHealth(r);
                });
                adoptedEndpoints.AddRange(networking.Adopt(adopted));
                try { networking.StartDns(adopted, adopted.State.Pid); }
                catch (IOException e) { log.LogWarning("the embedded DNS of container {Id} did not start again: {Message}", record.Id, e.Message); }
                Monitor(record.Id, tracker);
                if (adopted.Status == ContainerStatus.Running) StartHealthMonitor(adopted);
                continue;
            }
            if (!record.Status.IsRunning && record.NetworkSettings.Networks.Values.Any(n => n.IPAddress.Length > 0))
                store.Update(record.Id, EndpointView.Clear); // a start the engine did not finish
            if (record.Status == ContainerStatus.Running || record.Status == ContainerStatus.Paused)
            {
                var exit = runner.ExitStatus(record.Id) ?? new RuntimeExit { ExitCode = 255, FinishedAt = DateTime.UtcNow };
                await HandleExitAsync(record.Id, tracker, exit);
                continue;
            }
            if (status is not null || Directory.Exists(runner.BundleOf(record.Id)))
                runner.Cleanup(record.Id); // a start the engine did not finish
            if (store.TryGet(record.Id) is { } current && (current.Status == ContainerStatus.Exited || current.Status == ContainerStatus.Restarting
                    || current.Status == ContainerStatus.Created && current.State.StartedAt != ContainerState.ZeroTime)
                && (current.HostConfig.RestartPolicy.Name == "always" || current.HostConfig.RestartPolicy.Name == "unless-stopped" && !current.StoppedByUser))
                toStart.Add(current.Id);
        }
        try { networking.Reattach(adoptedEndpoints); }
        catch (IOException e) { log.LogWarning("putting running containers back on their bridges failed: {Message}", e.Message); }
        // The firewall table as this engine's state has it (whatever a crashed engine left is replaced), adopted ports included.
        try { networking.Firewall.Sync(); }
        catch (IOException e) { log.LogWarning("applying the firewall rules failed: {Message}", e.Message); }
        foreach (var id in toStart)
        {
            try { await StartAsync(id); }
            catch (DomainException e) { log.LogWarning("starting container {Id} by its restart policy failed: {Message}", id, e.Message); }
        }
    }

    /// <summary>
    /// Container snapshots (active or view) whose container has no record: what a crash during a create or a removal
    /// leaves (see <see cref="ContainerStore.Add"/> and <see cref="RemoveLocked"/>); images' committed layers stay.
    /// </summary>
    private void RemoveOrphanSnapshots()
    {
        var ids = store.List().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in snapshots.List().Where(s => s.Kind != SnapshotKind.Committed && !ids.Contains(s.Key)))
        {
            try { snapshots.Remove(orphan.Key); }
            catch (Exception e) when (e is IOException or InvalidOperationException or KeyNotFoundException)
            {
                log.LogWarning("removing the orphan snapshot {Key} failed: {Message}", orphan.Key, e.Message);
            }
        }
    }

    private volatile bool _shuttingDown;

    /// <summary>
    /// The engine stops. With live restore its containers keep running (re-adopted by <see cref="RestoreAsync"/>);
    /// without it, as dockerd, every running or paused container is stopped with its stop signal and timeout, all at
    /// once, and no policy restarts them until the engine starts again (then always and unless-stopped ones start, as
    /// the user did not stop them). Then monitors and restart timers end.
    /// </summary>
    public async Task ShutdownAsync(bool liveRestore)
    {
        if (!liveRestore)
        {
            _shuttingDown = true;
            var running = store.List().Where(r => r.Status == ContainerStatus.Running || r.Status == ContainerStatus.Paused).Select(async r =>
            {
                try { await StopAsync(r, null, null, byUser: false); }
                catch (Exception e) when (e is DomainException or IOException)
                {
                    log.LogWarning("stopping container {Id} at shutdown failed: {Message}", r.Id, e.Message);
                }
            });
            await Task.WhenAll(running);
        }
        _stopping.Cancel();
    }

    /// <summary>Sets the size of a running container's terminal (docker run -t and attach send it).</summary>
    public void Resize(string idOrName, ushort width, ushort height)
    {
        var record = store.Get(idOrName);
        if (record.Status != ContainerStatus.Running && record.Status != ContainerStatus.Paused)
            throw new ConflictException($"Container {record.Id} is not running");
        if (!record.Config.Tty) throw new ConflictException($"Container {record.Id} has no terminal: it was not created with a TTY");
        try { runner.Resize(record.Id, width, height); }
        catch (Exception e) when (e is IOException or InvalidOperationException or Containers.Runtime.State.ContainerNotFoundException)
        {
            throw new ConflictException($"cannot resize the terminal of container {record.Id}: {e.Message}");
        }
    }
}
