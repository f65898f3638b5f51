using static Containers.Interop.Libc;

namespace Containers.Engine.Logs;

/// <summary>
/// The engine's end of a container's stdin FIFO, which the container's shim reads (so stdin reaches the container
/// without the engine holding the container's pipe). Opened without blocking: the FIFO appears only when the container
/// starts (attach comes first in <c>docker run</c>), and opening it for writing before the shim has it open for reading
/// would block. Writes never block a thread either: a full FIFO (a container not reading its stdin) is retried later.
/// An exec's stdin (a pipe, or its pty master) is written the same way (<see cref="Over"/>).
/// </summary>
public sealed class StdinFifoWriter : IDisposable
{
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMilliseconds(50);

    private int fd;

    private StdinFifoWriter(int fd) => this.fd = fd;

    /// <summary>True once the container's stdin is gone (the shim ended): further input is dropped, as Docker does.</summary>
    public bool Broken { get; private set; }

    /// <summary>A writer over a non-blocking descriptor the caller hands over (an exec's stdin pipe or pty master).</summary>
    public static StdinFifoWriter Over(int fd) => new(fd);

    /// <summary>Waits until the FIFO can be opened for writing; null when the container stopped first.</summary>
    public static async Task<StdinFifoWriter?> OpenAsync(string path, Task stopped, CancellationToken cancel)
    {
        var wait = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd >= 0) return new StdinFifoWriter(fd);
            if (Errno is not (ENOENT or ENXIO or EINTR)) throw new IOException($"open {path}: errno {Errno}");
            if (stopped.IsCompleted) return null;
            await Task.WhenAny(stopped, Task.Delay(wait, cancel));
            cancel.ThrowIfCancellationRequested();
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRetry.Ticks));
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        var wait = TimeSpan.FromMilliseconds(1);
        while (!data.IsEmpty && !Broken)
        {
            int n = TryWrite(data.Span);
            if (n > 0)
            {
                data = data[n..];
                wait = TimeSpan.FromMilliseconds(1);
                continue;
            }
            await Task.Delay(wait, cancel); // the FIFO is full until the shim has passed more to the container
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRetry.Ticks));
        }
    }

    /// <summary>Bytes written, 0 when the FIFO is full; marks the writer broken when the reader has gone.</summary>
    private unsafe int TryWrite(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = data) n = write(fd, p, data.Length);
            if (n >= 0) return (int)n;
            if (Errno == EINTR) continue;
            if (Errno != EAGAIN) Broken = true; // EPIPE: the shim closed the FIFO (the container ended)
            return 0;
        }
    }

    /// <summary>Closing our end is what tells the shim this attach's input ended (and, with StdinOnce, closes the container's stdin).</summary>
    public void Dispose()
    {
        if (fd >= 0) close(fd);
        fd = -1;
    }
}
