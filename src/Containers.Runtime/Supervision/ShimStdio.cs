using Containers.Runtime.Terminal;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Supervision;

/// <summary>
/// The descriptors the shim sets up when it owns the container's stdio: pipes for stdout, stderr and (with a stdin
/// FIFO) stdin, or for a terminal a console socket on which the init sends the pty master. The container's ends go to
/// the init; ours end up on the <see cref="Reaper"/>'s fixed descriptors 3–6 across the execve.
/// </summary>
internal sealed unsafe class ShimStdio : IDisposable
{
    public bool Tty { get; }
    public int ContainerStdin { get; private set; } = -1;
    public int ContainerStdout { get; private set; } = -1;
    public int ContainerStderr { get; private set; } = -1;
    public string? ConsoleSocket => console?.Path;

    private readonly ConsoleSocket? console;
    private int output = -1, errors = -1, input = -1, fifo = -1;

    private ShimStdio(bool tty, ConsoleSocket? console) { Tty = tty; this.console = console; }

    public static ShimStdio Open(string root, string id, bool tty, string[] io)
    {
        string? log = Arg(io, "--log"), stdinFifo = Arg(io, "--stdin");
        // A socket path must fit in 108 bytes: a short name (the ID's first 16 characters) in the state root.
        if (tty) Directory.CreateDirectory(root);
        var s = new ShimStdio(tty, tty ? Terminal.ConsoleSocket.Listen(Path.Combine(root, $".{id[..Math.Min(id.Length, 16)]}.console")) : null);
        try
        {
            // The log exists before create returns, so a reader that starts at once finds it.
            if (log is not null) close(Check(open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0x1a0), $"create {log}"));
            if (stdinFifo is not null) s.fifo = Check(open(stdinFifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0), $"open {stdinFifo}");
            if (!tty)
            {
                (s.output, s.ContainerStdout) = Pipe();
                (s.errors, s.ContainerStderr) = Pipe();
                if (stdinFifo is not null) (s.ContainerStdin, s.input) = Pipe();
            }
            if (s.ContainerStdin < 0) s.ContainerStdin = Check(open("/dev/null", O_RDONLY | O_CLOEXEC, 0), "open /dev/null");
            if (s.ContainerStdout < 0) s.ContainerStdout = s.ContainerStderr = Check(open("/dev/null", O_WRONLY | O_CLOEXEC, 0), "open /dev/null");
            return s;
        }
        catch { s.Dispose(); throw; }
    }

    private static string? Arg(string[] io, string name)
    {
        int i = Array.IndexOf(io, name);
        return i >= 0 && i + 1 < io.Length ? io[i + 1] : null;
    }

    private static (int Read, int Write) Pipe()
    {
        int* p = stackalloc int[2];
        Check(pipe2(p, O_CLOEXEC), "pipe2");
        return (p[0], p[1]);
    }

    /// <summary>After the launch: the container holds its ends; for a terminal, take the pty master from the init.</summary>
    public void Launched()
    {
        CloseContainerEnds();
        if (console is not null)
        {
            output = console.ReceiveMaster();
            console.Dispose();
        }
        // Our writes to the container's stdin must never block the reaper (which also drains its output).
        int target = Tty ? output : input;
        if (target >= 0) fcntl(target, F_SETFL, fcntl(target, F_GETFL, 0) | O_NONBLOCK);
    }

    /// <summary>Puts our ends on the reaper's descriptors (dup2 clears close-on-exec on the copies).</summary>
    public void MoveToReaperFds()
    {
        // First out of the way of 3..6, then into place.
        int Lift(int fd) => fd < 0 ? -1 : Check(fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 100), "fcntl(F_DUPFD_CLOEXEC)");
        int[] lifted = [Lift(output), Lift(errors), Lift(input), Lift(fifo)];
        foreach (int fd in new[] { output, errors, input, fifo }) if (fd >= 0) close(fd);
        int[] targets = [Reaper.OutFd, Reaper.ErrFd, Reaper.StdinFd, Reaper.FifoFd];
        for (int i = 0; i < 4; i++) if (lifted[i] >= 0) Check(dup2(lifted[i], targets[i]), "dup2");
        output = errors = input = fifo = -1;
    }

    private void CloseContainerEnds()
    {
        foreach (int fd in new[] { ContainerStdin, ContainerStdout, ContainerStderr }.Distinct()) if (fd >= 0) close(fd);
        ContainerStdin = ContainerStdout = ContainerStderr = -1;
    }

    public void Dispose()
    {
        CloseContainerEnds();
        foreach (int fd in new[] { output, errors, input, fifo }) if (fd >= 0) close(fd);
        console?.Dispose();
    }
}
