namespace Containers.Engine.Logs;

/// <summary>How an attach's input ended.</summary>
public enum AttachInputEnd
{
    /// <summary>The client closed its side (EOF).</summary>
    Closed,

    /// <summary>The client typed the detach sequence: the attach ends, the container (or exec'd process) goes on.</summary>
    Detached,
}

/// <summary>
/// What a hijacked connection carries, without any HTTP: a container's attach (<see cref="ContainerAttachment"/>) or an
/// exec's streams. Output is a sequence of batches until the process (or run) ends; input is the client's bytes.
/// </summary>
public interface IAttachedStreams
{
    /// <summary>One raw terminal stream instead of Docker's multiplexed framing.</summary>
    bool Tty { get; }

    /// <summary>Whether the client's input is forwarded at all.</summary>
    bool HasInput { get; }

    /// <summary>Whether output goes on after the client's input has ended (else the attach ends with it).</summary>
    bool OutputOutlivesInput { get; }

    IAsyncEnumerable<IReadOnlyList<LogEntry>> OutputAsync(CancellationToken cancel);

    /// <summary>Forwards the client's input until it ends (EOF) or the detach keys come.</summary>
    Task<AttachInputEnd> CopyInputAsync(Stream client, CancellationToken cancel);
}

/// <summary>The client's side of an attach's input, shared by attach and exec: read, scan for the detach keys, forward.</summary>
public static class ClientInput
{
    /// <summary>
    /// Reads <paramref name="client"/> until EOF or, when <paramref name="detachKeys"/> is given (Docker honours them with
    /// a TTY only), the detach sequence; everything else goes to <paramref name="forward"/> in the order it came.
    /// </summary>
    public static async Task<AttachInputEnd> CopyAsync(Stream client, DetachKeys? detachKeys, Func<byte[], CancellationToken, Task> forward,
        CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        var pending = new List<byte>();
        while (true)
        {
            int n = await client.ReadAsync(buffer, cancel);
            pending.Clear();
            bool detached = false;
            if (n == 0) detachKeys?.Flush(pending);
            else if (detachKeys is null) pending.AddRange(buffer.AsSpan(0, n));
            else detached = detachKeys.Scan(buffer.AsSpan(0, n), pending);
            if (pending.Count > 0) await forward([.. pending], cancel);
            if (detached) return AttachInputEnd.Detached;
            if (n == 0) return AttachInputEnd.Closed;
        }
    }
}
