using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Containers.Engine.Hosting;

/// <summary>
/// Lets a hijacked connection outlive the client's half-close. Kestrel treats the client's FIN as the end of the
/// connection (it aborts the response), but Docker's attach protocol half-closes on purpose: the docker CLI shuts its
/// write side as soon as it has no (more) stdin to send and then reads output until the container stops. This
/// connection middleware stands between the transport's "connection closed" and Kestrel's HTTP layer: until an
/// endpoint asks for <see cref="KeepOutputOpen"/> (attach, just before its upgrade) the signal passes through as before;
/// afterwards a FIN only ends the upgraded stream's input (reads return 0), and a client that has really gone is
/// noticed by the next write: the transport's send fails and completes its output, which Kestrel's writes otherwise
/// swallow without a word, so the middleware watches the output's flushes and signals "connection closed" then.
/// </summary>
public sealed class HalfClose
{
    private const string ItemKey = "containers.half-close";

    private readonly CancellationTokenSource closed = new();
    private volatile bool keepOutput;

    /// <summary>After this, the client's FIN no longer aborts the connection's output.</summary>
    public void KeepOutputOpen() => keepOutput = true;

    /// <summary>The connection's half-close control, when it came through <see cref="Middleware"/>.</summary>
    public static HalfClose? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var value) == true ? value as HalfClose : null;

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var state = new HalfClose();
        connection.Items[ItemKey] = state;
        var original = connection.ConnectionClosed;
        using var cts = state.closed;
        using var forward = original.Register(() =>
        {
            if (!state.keepOutput) state.closed.Cancel();
        });
        connection.ConnectionClosed = state.closed.Token;
        var transport = connection.Transport;
        connection.Transport = new WatchedTransport(transport, new WatchedOutput(transport.Output, state.Gone));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.ConnectionClosed = original;
            connection.Transport = transport;
        }
    };

    /// <summary>The client can no longer read: the connection is closed whatever was kept open.</summary>
    private void Gone()
    {
        // Not inline: this runs inside Kestrel's write, and the close aborts the very response being written.
        ThreadPool.UnsafeQueueUserWorkItem(static state =>
        {
            try { state.closed.Cancel(); }
            catch (ObjectDisposedException) { } // the connection has ended meanwhile
        }, this, preferLocal: false);
    }

    private sealed class WatchedTransport(IDuplexPipe inner, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => inner.Input;
        public PipeWriter Output => output;
    }

    /// <summary>The transport's output, reporting when a flush finds that its reader (the socket's sender) has completed.</summary>
    private sealed class WatchedOutput(PipeWriter inner, Action gone) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            Watch(inner.FlushAsync(cancellationToken));

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
            Watch(inner.WriteAsync(source, cancellationToken));

        private ValueTask<FlushResult> Watch(ValueTask<FlushResult> flush) =>
            flush.IsCompletedSuccessfully ? new(Seen(flush.Result)) : Awaited(flush);

        private async ValueTask<FlushResult> Awaited(ValueTask<FlushResult> flush) => Seen(await flush);

        private FlushResult Seen(FlushResult result)
        {
            if (result.IsCompleted) gone();
            return result;
        }
    }
}
