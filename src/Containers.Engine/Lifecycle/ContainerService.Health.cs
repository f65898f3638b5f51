using System.Collections.Concurrent;
using Containers.Api;
using Containers.Engine.Events;
using Containers.Engine.Health;
using HealthState = Containers.Api.Health;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Health checks (Docker's): while a container with a check runs and is not paused, one monitor per container runs the
/// probe after each interval and records the result in <c>State.Health</c>; a change of status is published as a
/// <c>health_status: STATUS</c> event, and each probe as exec_create, exec_start and exec_die, as dockerd does. A start
/// (or an adoption at engine start) sets the status back to starting; a pause stops the monitor and an unpause resumes
/// it where it was; the status stays as it was when the container stops.
/// </summary>
public sealed partial class ContainerService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _healthMonitors = new(StringComparer.Ordinal);

    /// <summary>The State.Health a container starts a run with: starting, the earlier results kept; null without a check.</summary>
    private static HealthState? StartingHealth(ContainerRecord r) =>
        HealthCheck.Of(r.Config.Healthcheck) is null ? null : new HealthState { Status = HealthCheck.Starting, Log = r.State.Health?.Log ?? [] };

    /// <summary>Starts the container's health monitor (replacing one that runs); nothing when it has no check.</summary>
    private void StartHealthMonitor(ContainerRecord record)
    {
        if (HealthCheck.Of(record.Config.Healthcheck) is not { } check) return;
        StopHealthMonitor(record.Id);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        _healthMonitors[record.Id] = cancel;
        var startedAt = ContainerViews.ParseTime(record.State.StartedAt);
        _ = Task.Run(() => MonitorHealthAsync(record.Id, check, startedAt, cancel));
    }

    private void StopHealthMonitor(string id)
    {
        if (_healthMonitors.TryRemove(id, out var cancel)) cancel.Cancel();
    }

    private async Task MonitorHealthAsync(string id, HealthCheck check, DateTimeOffset startedAt, CancellationTokenSource monitor)
    {
        var cancel = monitor.Token;
        try
        {
            while (store.TryGet(id) is { State.Health: { } health })
            {
                await Task.Delay(check.NextDelay(DateTimeOffset.UtcNow - startedAt, health.Status), cancel);
                if (store.TryGet(id) is not { } record) return;
                var execId = ContainerStore.NewId();
                var action = string.Join(' ', check.Command);
                var execAttributes = new Dictionary<string, string>(Attributes(record)) { ["execID"] = execId };
                events.Publish(EventTypes.Container, "exec_create: " + action, id, execAttributes);
                events.Publish(EventTypes.Container, "exec_start: " + action, id, execAttributes);
                var probeStart = DateTimeOffset.UtcNow;
                var result = await HealthProbe.RunAsync(runner.Runtime, id, check, cancel);
                events.Publish(EventTypes.Container, "exec_die", id, new Dictionary<string, string>(execAttributes) { ["exitCode"] = result.ExitCode.ToString() });

                string? changed = null;
                // Under the store's lock, and not once the monitor is stopped: a result never lands after the exit.
                record = store.Update(id, r =>
                {
                    if (!cancel.IsCancellationRequested && r.State.Health is { } h) changed = check.Apply(h, result, probeStart - startedAt);
                });
                if (changed is not null) events.Publish(EventTypes.Container, "health_status: " + changed, id, Attributes(record));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is Errors.DomainException)
        {
            // removed meanwhile
        }
        catch (Exception e)
        {
            log.LogWarning("the health monitor of container {Id} failed: {Message}", id, e.Message);
        }
        finally
        {
            // Disposed by whoever is last to use it: here, unless StopHealthMonitor has taken it and not yet cancelled it.
            if (_healthMonitors.TryRemove(new KeyValuePair<string, CancellationTokenSource>(id, monitor)) || monitor.IsCancellationRequested)
                monitor.Dispose();
        }
    }
}
