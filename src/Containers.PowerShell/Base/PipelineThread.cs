using System.Collections.Concurrent;

namespace Containers.PowerShell.Base;

/// <summary>
/// Runs async work on the calling (pipeline) thread. PowerShell allows WriteObject, WriteError, WriteProgress and the
/// rest only on the thread that called ProcessRecord; after an <c>await</c> a plain <c>GetAwaiter().GetResult()</c>
/// would resume on a thread-pool thread. Here the awaits of the work resume through a synchronization context whose
/// queue this thread pumps until the work completes, so every Write* in it lands on the pipeline thread.
/// (The client library awaits with ConfigureAwait(false) internally; only the cmdlet's own continuations come here.)
/// </summary>
internal static class PipelineThread
{
    public static void Run(Func<Task> work) => Run(async () => { await work(); return true; });

    public static T Run<T>(Func<Task<T>> work)
    {
        var previous = SynchronizationContext.Current;
        using var context = new QueueContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var task = work();
            // Completion is posted like any continuation, so the pump drains everything queued before it, then stops.
            task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.Pump();
            return task.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private sealed class QueueContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            // A continuation that arrives after the work completed (a stray timer callback) runs on the pool instead.
            if (!_queue.IsAddingCompleted)
            {
                try
                {
                    _queue.Add((d, state));
                    return;
                }
                catch (InvalidOperationException)
                {
                }
            }
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("Synchronous Send to the pipeline thread would deadlock it.");

        public void Complete() => _queue.CompleteAdding();

        public void Pump()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }

        public void Dispose() => _queue.Dispose();
    }
}
