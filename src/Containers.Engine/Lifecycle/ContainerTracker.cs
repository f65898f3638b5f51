namespace Containers.Engine.Lifecycle;

/// <summary>
/// What the engine holds in memory for one container between requests: a gate that serialises its state changes
/// (start, exit handling, stop's signalling, remove), the exit that waiters of the current or next run wait for, the
/// removal that <c>wait?condition=removed</c> waits for, and a pending policy restart.
/// </summary>
public sealed class ContainerTracker
{
    private TaskCompletionSource<ExitResult> _nextExit = NewExit();
    private TaskCompletionSource _attachEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Takes the gate until the result is disposed: <c>using (await tracker.LockAsync()) { ... }</c>.</summary>
    public async Task<IDisposable> LockAsync()
    {
        await _gate.WaitAsync();
        return new Releaser(_gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    /// <summary>Completes when the container's current run (or, if it is not running, its next run) ends.</summary>
    public Task<ExitResult> NextExit
    {
        get { lock (this) return _nextExit.Task; }
    }

    /// <summary>
    /// What an attach follows: completes when the current (or next) run ends, and also when there will be no run to
    /// follow, because its start failed or the container is removed. dockerd closes attached streams then too; without
    /// it the attach of a <c>docker run</c> whose start failed would hold its log and connection for good.
    /// </summary>
    public Task AttachEnd
    {
        get { lock (this) return _attachEnd.Task; }
    }

    public TaskCompletionSource Removed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancelled when a stop, start or remove overtakes a restart that waits for its back-off delay.</summary>
    public CancellationTokenSource? PendingRestart { get; set; }

    /// <summary>Back-off before the next policy restart: 100 ms doubling to a minute, reset after a run of 10 s (Docker's).</summary>
    public TimeSpan RestartDelay { get; set; }

    /// <summary>Completes the current exit and arms the next one.</summary>
    public void Exited(ExitResult result)
    {
        TaskCompletionSource<ExitResult> done;
        lock (this)
        {
            done = _nextExit;
            _nextExit = NewExit();
        }
        done.TrySetResult(result);
        EndAttaches();
    }

    /// <summary>Ends the attaches waiting for or following a run (see <see cref="AttachEnd"/>) and arms the next.</summary>
    public void EndAttaches()
    {
        TaskCompletionSource done;
        lock (this)
        {
            done = _attachEnd;
            _attachEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    private static TaskCompletionSource<ExitResult> NewExit() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>How a run ended, as <c>wait</c> reports it.</summary>
public sealed record ExitResult(int ExitCode, string? Error = null);
