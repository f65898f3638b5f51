using System.Threading.Channels;
using Containers.Engine.Logs;
using Containers.Runtime;
using Containers.Runtime.Spec;
using Containers.Runtime.Terminal;
using static Containers.Interop.Libc;

namespace Containers.Engine.Exec;

/// <summary>Which of an exec's streams the client attaches (the others are /dev/null to the process).</summary>
public sealed record ExecStdio(bool Stdin, bool Stdout, bool Stderr);

/// <summary>
/// One exec'd process as the engine holds it. The engine is its parent (the runtime's exec returns once it is about to
/// exec): its stdio are pipes, or with a TTY a pty from the container's /dev/pts whose master the engine receives. One
/// small thread per process polls the output descriptors and the process's pidfd; when the process ends it drains what
/// is left, reaps it, records the exit (through the callback, before the output ends, so a client that inspects the exec
/// once the stream closes sees its exit code) and completes the output. The process is reaped whether anyone reads or not.
/// </summary>
public sealed unsafe class ExecProcess
{
    private const int F_DUPFD_CLOEXEC = 1030;
    private const int OutputCapacity = 256;

    private readonly int pid;
    private readonly int pidfd;
    private readonly int stdout, stderr; // read ends; with a TTY stdout is the pty master and stderr is unused
    private readonly int master;
    private int input; // the stdin pipe's write end, or a duplicate of the pty master; -1 once handed over or closed
    private readonly bool forwardStdout, forwardStderr;
    private readonly Channel<LogEntry> output = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(OutputCapacity) { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<int> onExit;
    private volatile bool discard;
    private bool ended;

    private ExecProcess(int pid, int stdout, int stderr, int master, int input, ExecStdio stdio, Action<int> onExit)
    {
        this.pid = pid;
        this.stdout = stdout;
        this.stderr = stderr;
        this.master = master;
        this.input = input;
        forwardStdout = stdio.Stdout;
        forwardStderr = stdio.Stderr;
        this.onExit = onExit;
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0, 0);
        if (pidfd < 0) throw new Interop.SyscallException($"pidfd_open {pid}", Errno);
    }

    public int Pid => pid;
    public bool Tty => master >= 0;

    /// <summary>Completes with the exit code (128+N for signal N) once the process has been reaped.</summary>
    public Task<int> Exited => exited.Task;

    /// <summary>
    /// Starts <paramref name="process"/> in container <paramref name="containerId"/>. With process.terminal the pty
    /// master comes through a console socket listening at <paramref name="consoleSocket"/> for the length of the start.
    /// </summary>
    public static ExecProcess Start(ContainerRuntime runtime, string containerId, ProcessSpec process, ExecStdio stdio,
        string consoleSocket, Action<int> onExit)
    {
        int devNull = Check(open("/dev/null", O_RDWR | O_CLOEXEC, 0), "open /dev/null");
        var ours = new List<int>();
        var theirs = new List<int>();
        try
        {
            int Pipe(bool childReads)
            {
                int* fds = stackalloc int[2];
                Check(pipe2(fds, O_CLOEXEC), "pipe2");
                int mine = childReads ? fds[1] : fds[0], child = childReads ? fds[0] : fds[1];
                ours.Add(mine);
                theirs.Add(child);
                NonBlocking(mine);
                return childReads ? child : mine;
            }

            if (process.Terminal)
            {
                using var console = ConsoleSocket.Listen(consoleSocket);
                int pid = runtime.Exec(containerId, process, devNull, devNull, devNull, consoleSocket);
                int master = console.ReceiveMaster();
                ours.Add(master);
                NonBlocking(master);
                int input = -1;
                if (stdio.Stdin) ours.Add(input = Check(fcntl(master, F_DUPFD_CLOEXEC, 0), "dup the pty master"));
                var tty = new ExecProcess(pid, master, -1, master, input, stdio with { Stderr = false }, onExit);
                ours.Clear();
                tty.StartPolling();
                return tty;
            }
            int stdinChild = stdio.Stdin ? Pipe(childReads: true) : devNull;
            int writeEnd = stdio.Stdin ? ours[^1] : -1;
            int outRead = -1, errRead = -1;
            if (stdio.Stdout) { outRead = Pipe(childReads: false); }
            if (stdio.Stderr) { errRead = Pipe(childReads: false); }
            int ChildEnd(int read) => read < 0 ? devNull : theirs[ours.IndexOf(read)];
            int started = runtime.Exec(containerId, process, stdinChild, ChildEnd(outRead), ChildEnd(errRead));
            var piped = new ExecProcess(started, outRead, errRead, -1, writeEnd, stdio, onExit);
            ours.Clear();
            piped.StartPolling();
            return piped;
        }
        finally
        {
            foreach (var fd in theirs) close(fd);
            foreach (var fd in ours) close(fd); // only when the start failed
            close(devNull);
        }
    }

    private static void NonBlocking(int fd) => Check(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK), "fcntl(O_NONBLOCK)");

    /// <summary>The process's stdin for one client (once): closing it closes the process's stdin (without a TTY).</summary>
    public StdinFifoWriter? TakeInput()
    {
        lock (this)
        {
            if (input < 0 || ended) return null;
            var writer = StdinFifoWriter.Over(input);
            input = -1;
            return writer;
        }
    }

    /// <summary>The output until the process has ended and its exit is recorded; once the reader stops, output is dropped.</summary>
    public async IAsyncEnumerable<IReadOnlyList<LogEntry>> OutputAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        try
        {
            var reader = output.Reader;
            while (await reader.WaitToReadAsync(cancel))
            {
                var batch = new List<LogEntry>();
                while (reader.TryRead(out var entry)) batch.Add(entry);
                if (batch.Count > 0) yield return batch;
            }
        }
        finally
        {
            DiscardOutput();
        }
    }

    /// <summary>No one reads any more (detached, or the client left): the process's output goes nowhere, as with dockerd.</summary>
    public void DiscardOutput()
    {
        discard = true;
        while (output.Reader.TryRead(out _)) { }
    }

    /// <summary>Sets the terminal's size (docker exec -t sends it at start and on every SIGWINCH).</summary>
    public void Resize(ushort width, ushort height)
    {
        lock (this)
        {
            if (master < 0) throw new InvalidOperationException("the exec has no terminal");
            if (ended) throw new InvalidOperationException("the exec'd process has ended");
            Pty.SetSize(master, width, height);
        }
    }

    private void StartPolling() =>
        new Thread(Poll, 128 * 1024) { IsBackground = true, Name = "exec-" + pid }.Start();

    private void Poll()
    {
        var buffer = new byte[32 * 1024];
        int outFd = stdout, errFd = stderr;
        int* fds = stackalloc int[6];
        try
        {
            while (true)
            {
                int n = 0;
                if (outFd >= 0) { fds[2 * n] = outFd; fds[2 * n + 1] = POLLIN; n++; }
                if (errFd >= 0) { fds[2 * n] = errFd; fds[2 * n + 1] = POLLIN; n++; }
                fds[2 * n] = pidfd; fds[2 * n + 1] = POLLIN; n++;
                if (poll(fds, (ulong)n, -1) < 0)
                {
                    if (Errno == EINTR) continue;
                    throw new Interop.SyscallException("poll", Errno);
                }
                bool gone = false;
                for (int i = 0; i < n; i++)
                {
                    short revents = (short)(fds[2 * i + 1] >> 16);
                    if (revents == 0) continue;
                    int fd = fds[2 * i];
                    if (fd == pidfd) gone = true;
                    else if (!ReadOnce(fd, buffer))
                    {
                        if (fd == outFd) outFd = -1; else errFd = -1;
                    }
                }
                if (gone) break;
            }
            // The process has ended: what it wrote is in the pipes (or the pty) now; take it, then reap.
            if (outFd >= 0) while (ReadOnce(outFd, buffer, drain: true)) { }
            if (errFd >= 0) while (ReadOnce(errFd, buffer, drain: true)) { }
        }
        finally
        {
            int code = ContainerRuntime.WaitProcess(pid).ExitCode;
            lock (this)
            {
                ended = true;
                foreach (var fd in (int[])[stdout, stderr, input, pidfd]) if (fd >= 0) close(fd);
                input = -1;
            }
            try { onExit(code); }
            finally
            {
                output.Writer.TryComplete();
                exited.TrySetResult(code);
            }
        }
    }

    /// <summary>One read; false at the end of the stream (EOF, or EIO from a pty whose other side has closed), or when draining and nothing is left.</summary>
    private bool ReadOnce(int fd, byte[] buffer, bool drain = false)
    {
        nint n;
        fixed (byte* p = buffer) n = read(fd, p, buffer.Length);
        if (n > 0)
        {
            Emit(fd == stderr ? LogSource.Stderr : LogSource.Stdout, buffer.AsSpan(0, (int)n).ToArray());
            return true;
        }
        if (n < 0 && Errno is EAGAIN or EINTR) return !drain;
        return false;
    }

    private void Emit(LogSource source, byte[] bytes)
    {
        if (discard || !(source == LogSource.Stdout ? forwardStdout : forwardStderr)) return;
        var entry = new LogEntry(source, bytes, DateTime.UtcNow, "");
        if (!output.Writer.TryWrite(entry)) output.Writer.WriteAsync(entry).AsTask().GetAwaiter().GetResult(); // back-pressure on the process
    }
}
