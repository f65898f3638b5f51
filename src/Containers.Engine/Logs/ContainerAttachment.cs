namespace Containers.Engine.Logs;

/// <summary>What <c>POST /containers/{id}/attach</c> asked for: streams, past output, following, stdin, detach keys.</summary>
public sealed record AttachOptions
{
    public bool Stream { get; init; }
    public bool Logs { get; init; }
    public bool Stdin { get; init; }
    public bool Stdout { get; init; }
    public bool Stderr { get; init; }
    public string? DetachKeys { get; init; }
}

/// <summary>
/// One attach to a container, without any HTTP: its output is the container's log followed from its end (after the
/// whole log when <c>logs</c> is set) until the container's run ends; its input goes into the container's stdin FIFO.
/// Both go through the container's shim, which owns the container's stdio, so attaching never touches the container's
/// pipes or pty and a client that disappears leaves nothing behind but a closed FIFO writer.
/// </summary>
public sealed class ContainerAttachment : IAttachedStreams
{
    private readonly string logPath;
    private readonly LogReadOptions output;
    private readonly byte[] detachKeys;
    private readonly bool stdinOnce;

    /// <param name="logPath">The log the container's shim writes.</param>
    /// <param name="stdinFifo">The container's stdin FIFO, when the client sends stdin and the container has one.</param>
    /// <param name="stopped">Completes when the container's current (or, if it does not run, next) run ends.</param>
    public ContainerAttachment(string logPath, AttachOptions options, bool tty, string? stdinFifo, bool stdinOnce, Task stopped)
    {
        this.logPath = logPath;
        Tty = tty;
        StdinFifo = stdinFifo;
        Stopped = stopped;
        // Docker: closing the client's stdin closes the container's only with StdinOnce and no TTY; otherwise it ends the attach.
        this.stdinOnce = stdinOnce;
        OutputOutlivesInput = stdinOnce && !tty;
        detachKeys = Logs.DetachKeys.Parse(options.DetachKeys); // refused when invalid even without a TTY, as dockerd

        output = new LogReadOptions
        {
            Stdout = options.Stdout,
            Stderr = options.Stderr && !tty, // a terminal has one stream
            Tail = options.Logs ? null : 0,
            Follow = options.Stream,
        };
    }

    public bool Tty { get; }
    /// <summary>The container's stdin FIFO when this attach forwards stdin (the client asked and the container has OpenStdin).</summary>
    public string? StdinFifo { get; }
    public bool HasInput => StdinFifo is not null;
    public Task Stopped { get; }

    /// <summary>Whether output goes on after the client's input has ended (else the attach ends with it).</summary>
    public bool OutputOutlivesInput { get; }

    /// <summary>The output to send: past output if asked, then what the container writes until its run ends.</summary>
    public IAsyncEnumerable<IReadOnlyList<LogEntry>> OutputAsync(CancellationToken cancel) =>
        output.Stdout || output.Stderr
            ? ContainerLogReader.ReadAsync(logPath, output, Stopped, cancel)
            : WaitForStopAsync(output.Follow ? Stopped : Task.CompletedTask, cancel);

    private static async IAsyncEnumerable<IReadOnlyList<LogEntry>> WaitForStopAsync(Task stopped, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        await stopped.WaitAsync(cancel);
        yield break;
    }

    /// <summary>
    /// Copies the client's input into the container's stdin until the client closes it or types the detach keys (TTY
    /// only). The FIFO is opened at the first byte (the container may not have started yet) and closed at the end; with
    /// StdinOnce it is opened even without input, so that its closing ends the container's stdin.
    /// </summary>
    public async Task<AttachInputEnd> CopyInputAsync(Stream client, CancellationToken cancel)
    {
        var path = StdinFifo ?? throw new InvalidOperationException("this attach has no stdin");
        StdinFifoWriter? fifo = null;
        try
        {
            var end = await ClientInput.CopyAsync(client, Tty ? new DetachKeys(detachKeys) : null, async (bytes, c) =>
            {
                fifo ??= await StdinFifoWriter.OpenAsync(path, Stopped, c);
                if (fifo is not null) await fifo.WriteAsync(bytes, c);
            }, cancel);
            if (end == AttachInputEnd.Closed && stdinOnce) fifo ??= await StdinFifoWriter.OpenAsync(path, Stopped, cancel);
            return end;
        }
        finally
        {
            fifo?.Dispose();
        }
    }
}
