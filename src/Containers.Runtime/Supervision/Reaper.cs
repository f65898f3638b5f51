using Containers.Runtime.Cgroups;
using Containers.Runtime.State;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Supervision;

/// <summary>
/// `containers-runtime reap ROOT ID PID CGROUP [--io [--log PATH MAXSIZE MAXFILE] [--stdin FIFO] [--once] [--tty]]`: what the shim
/// execs into once the init is launched. A single thread polls the init's pidfd and, when the shim was given
/// <see cref="ContainerIo"/>, the container's output (fd 3 stdout or pty master, fd 4 stderr) into the json-file log and
/// the stdin FIFO (fd 6) into the container's stdin (fd 5, or the pty master). When the init has exited it drains the
/// output, flushes the log, and only then writes exit.json — so whoever sees the exit also sees all the output.
/// </summary>
internal static unsafe class Reaper
{
    public const int OutFd = 3, ErrFd = 4, StdinFd = 5, FifoFd = 6;

    private sealed class Options
    {
        public string? LogPath;
        public long MaxSize;
        public int MaxFile = 1;
        public string? StdinFifo;
        public bool Stdin => StdinFifo is not null;
        public bool Once, Tty, Io;
    }

    public static int Run(string[] args)
    {
        string root = args[1], id = args[2], cgroupPath = args[4];
        int pid = int.Parse(args[3]);
        var o = new Options();
        for (int i = 5; i < args.Length; i++)
            switch (args[i])
            {
                case "--log": o.LogPath = args[++i]; o.MaxSize = long.Parse(args[++i]); o.MaxFile = int.Parse(args[++i]); break;
                case "--io": o.Io = true; break;
                case "--stdin": o.StdinFifo = args[++i]; break;
                case "--once": o.Once = true; break;
                case "--tty": o.Tty = true; break;
            }

        int status = o.Io ? PumpUntilExit(pid, o) : Launch.Spawner.Wait(pid);
        var exit = new ExitStatus
        {
            ExitCode = ExitCodeFromWaitStatus(status, out int signal),
            Signal = signal,
            OomKilled = CgroupManager.For(cgroupPath).OomKilled(),
            FinishedAt = DateTime.UtcNow,
        };
        new StateStore(root).SaveExit(id, exit);
        return 0;
    }

    private static int PumpUntilExit(int pid, Options o)
    {
        var log = o.LogPath is null ? null : new JsonLogWriter(o.LogPath, o.MaxSize, o.MaxFile);
        var stdout = new LogLineSplitter(log, stderr: false);
        var stderr = new LogLineSplitter(log, stderr: true);
        int outFd = OutFd, errFd = o.Tty ? -1 : ErrFd, fifoFd = o.Stdin ? FifoFd : -1;
        int stdinFd = o.Tty ? OutFd : o.Stdin ? StdinFd : -1;
        int pidFd = (int)syscall(SYS_pidfd_open, pid, 0, 0);
        var buffer = new byte[32 * 1024];
        byte[] pendingInput = []; // stdin bytes the container has not taken yet (its pipe is full)
        int? status = null;

        // Output until the init has exited; then what is left in the pipes (the PID namespace is gone, so EOF comes soon).
        int* fds = stackalloc int[8]; // pollfd[4], refilled every round
        while (outFd >= 0 || errFd >= 0 || status is null)
        {
            int n = 0, pidSlot = -1, outSlot = -1, errSlot = -1, fifoSlot = -1, stdinSlot = -1;
            if (status is null && pidFd >= 0) { pidSlot = n; fds[2 * n] = pidFd; fds[2 * n++ + 1] = POLLIN; }
            if (outFd >= 0) { outSlot = n; fds[2 * n] = outFd; fds[2 * n++ + 1] = POLLIN; }
            if (errFd >= 0) { errSlot = n; fds[2 * n] = errFd; fds[2 * n++ + 1] = POLLIN; }
            if (status is null && fifoFd >= 0 && pendingInput.Length == 0) { fifoSlot = n; fds[2 * n] = fifoFd; fds[2 * n++ + 1] = POLLIN; }
            if (status is null && stdinFd >= 0 && pendingInput.Length > 0) { stdinSlot = n; fds[2 * n] = stdinFd; fds[2 * n++ + 1] = POLLOUT; }
            // After the exit, a descriptor that stays silent for 200 ms is held by a straggler outside the namespace: stop.
            int timeout = status is not null ? 200 : pidFd >= 0 ? -1 : 100;
            int ready = poll(fds, (ulong)n, timeout);
            if (ready < 0 && Errno == EINTR) continue;
            if (ready == 0 && status is not null) break;
            short Revents(int slot) => slot < 0 ? (short)0 : (short)(fds[2 * slot + 1] >> 16);

            if (Revents(outSlot) != 0 && !Pump(outFd, buffer, stdout)) { if (outFd != stdinFd) close(outFd); outFd = -1; }
            if (Revents(errSlot) != 0 && !Pump(errFd, buffer, stderr)) { close(errFd); errFd = -1; }
            if (Revents(fifoSlot) != 0) ForwardInput(ref fifoFd, ref stdinFd, ref pendingInput, buffer, o);
            if (Revents(stdinSlot) != 0) pendingInput = WriteSome(stdinFd, pendingInput);
            if (status is null && (Revents(pidSlot) != 0 || pidFd < 0))
            {
                int s;
                if (waitpid(pid, &s, pidFd >= 0 ? 0 : WNOHANG) == pid) status = s;
                else if (pidFd >= 0) status = 255 << 8; // not our child any more: cannot know how it ended
            }
        }
        stdout.Flush();
        stderr.Flush();
        log?.Dispose();
        return status!.Value;
    }

    /// <summary>
    /// Reads what is available into the log; false at end of stream (EOF, or EIO from a pty whose slave closed). A
    /// partial line is written at once as its own entry (as conmon does): attach follows the log, and an interactive
    /// prompt such as "/ # " has no newline to wait for.
    /// </summary>
    private static bool Pump(int fd, byte[] buffer, LogLineSplitter into)
    {
        fixed (byte* p = buffer)
        {
            nint n = read(fd, p, buffer.Length);
            if (n < 0 && Errno is EINTR or EAGAIN) return true;
            if (n <= 0) return false;
            into.Feed(buffer.AsSpan(0, (int)n));
            into.Flush();
            return true;
        }
    }

    // A FIFO reports POLLHUP once its last writer has gone: with StdinOnce that ends the container's stdin; otherwise
    // reopening it waits for the next attach.
    private static void ForwardInput(ref int fifoFd, ref int stdinFd, ref byte[] pending, byte[] buffer, Options o)
    {
        nint n;
        fixed (byte* p = buffer) n = read(fifoFd, p, buffer.Length);
        if (n > 0)
        {
            if (stdinFd >= 0) pending = WriteSome(stdinFd, buffer.AsSpan(0, (int)n).ToArray());
            return;
        }
        if (n < 0 && Errno is EINTR or EAGAIN) return;
        close(fifoFd);
        fifoFd = -1;
        if (o.Once)
        {
            if (!o.Tty && stdinFd >= 0) { close(stdinFd); stdinFd = -1; }
            return;
        }
        fifoFd = open(o.StdinFifo!, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
    }

    private static byte[] WriteSome(int fd, byte[] data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = write(fd, p + done, data.Length - done);
                if (n < 0 && Errno == EINTR) continue;
                if (n < 0 && Errno == EAGAIN) break;
                if (n < 0) return []; // the container closed its stdin: drop the input, as Docker does
                done += n;
            }
            return done == data.Length ? [] : data[(int)done..];
        }
    }
}
