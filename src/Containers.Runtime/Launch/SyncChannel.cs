using System.Text;
using Containers.Interop;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Launch;

/// <summary>The kinds of message on a <see cref="SyncChannel"/>; each is one line on the wire, its name in lower case.</summary>
public enum SyncKind
{
    /// <summary>Parent → init/exec-init: you are in your cgroup, go on with the setup.</summary>
    Go,
    /// <summary>Child → parent, any number before the final message: a warning for the caller (no effect on the outcome).</summary>
    Warn,
    /// <summary>Init/exec-init → launcher: set up; the init now waits on the exec fifo, an exec-init is about to execve.</summary>
    Ready,
    /// <summary>Shim → create: the init is ready; the text is its host PID.</summary>
    Ok,
    /// <summary>Child → parent, final: the setup failed; the text is why. The child then exits 1.</summary>
    Error,
}

/// <summary>One message: its kind and its text (empty for <see cref="SyncKind.Go"/> and <see cref="SyncKind.Ready"/>).</summary>
public readonly record struct SyncMessage(SyncKind Kind, string Text = "");

/// <summary>
/// The one typed channel between the runtime's processes: create ↔ shim (a pipe) and launcher ↔ init / exec-init
/// (a socketpair), always on the child's fd <see cref="ChildFd"/>. Encoding and decoding live here only: a message is
/// "kind[ text]\n", the text on one line. The sync points of a container's start, in the order they happen (the
/// numbers are the "sync N" comments at each side, as crun numbers its container_init_setup steps):
///
///   1. create spawns the shim (a session of its own) with the write end of a pipe on fd 3, and reads from it.
///   2. The shim (or `run`, in-process) creates the cgroup and exec fifo; the launcher spawns `init` in the new
///      namespaces with one end of a socketpair on fd 3, and moves it into the cgroup.
///   3. Launcher → init: Go. The init unshares its cgroup namespace only now, rooted at its own cgroup.
///   4. Init → launcher: Warn* while it sets up (seccomp, rlimits, mounts, capabilities), then Ready, or Error and exit 1.
///   5. Shim → create: the init's Warn lines relayed, then Ok PID, or Error (the shim exits 1).
///   6. Init: opens the exec fifo for writing, which blocks until `start` opens it for reading; writes one byte.
///   7. start: reads the byte, then reads until EOF, which comes when the init's execve closes the fifo's write end.
///
/// `exec` runs 2–4 alone, with `exec-init` in the container's namespaces (its mount namespace it joins itself).
/// </summary>
public sealed class SyncChannel(int fd) : IDisposable
{
    /// <summary>The descriptor the channel has in every child (init, exec-init, shim).</summary>
    public const int ChildFd = 3;

    private int fd = fd;

    /// <summary>In the child: takes the inherited <see cref="ChildFd"/> and keeps it from the program the child execs.</summary>
    public static SyncChannel Inherited()
    {
        fcntl(ChildFd, F_SETFD, FD_CLOEXEC);
        return new SyncChannel(ChildFd);
    }

    public void Send(SyncKind kind, string text = "") => WriteAll(fd, Encode(new SyncMessage(kind, text)));

    /// <summary>Sends, ignoring a parent that is gone (for the final Error, or a report nobody may read any more).</summary>
    public void TrySend(SyncKind kind, string text = "")
    {
        try { Send(kind, text); } catch (IOException) { }
    }

    /// <summary>The next message, or null at EOF (the other side exited or closed). A line that is no message throws.</summary>
    public SyncMessage? Receive()
    {
        string? line = ReadLine();
        if (line is null) return null;
        return Decode(line) ?? throw new UnexpectedSyncMessageException(line);
    }

    /// <summary>
    /// The parent's side of sync points 4 and 5: hands each Warn to <paramref name="warn"/> until the final message,
    /// returns it when it is <paramref name="success"/>, throws <see cref="ContainerStartException"/> with the child's
    /// text on Error and with <paramref name="onEof"/> when the child goes away without one.
    /// </summary>
    public SyncMessage AwaitResult(SyncKind success, Action<string> warn, string onEof, string sender)
    {
        while (true)
        {
            SyncMessage? message;
            try { message = Receive(); }
            catch (UnexpectedSyncMessageException e) { throw new ContainerStartException($"{sender} sent an unexpected line: {e.Line}"); }
            switch (message)
            {
                case null: throw new ContainerStartException(onEof);
                case { Kind: SyncKind.Warn } m: warn(m.Text); continue;
                case { Kind: SyncKind.Error } m: throw new ContainerStartException(m.Text);
                case { } m when m.Kind == success: return m;
                case { } m: throw new ContainerStartException($"{sender} sent an unexpected line: {Line(m)}");
            }
        }
    }

    public static byte[] Encode(SyncMessage m) => Encoding.UTF8.GetBytes(Line(m) + "\n");

    /// <summary>Parses one line (without its newline); null when it is no well-formed message.</summary>
    public static SyncMessage? Decode(string line)
    {
        int space = line.IndexOf(' ');
        string word = space < 0 ? line : line[..space], text = space < 0 ? "" : line[(space + 1)..];
        SyncKind? kind = word switch
        {
            "go" => SyncKind.Go, "ready" => SyncKind.Ready, "warn" => SyncKind.Warn, "error" => SyncKind.Error, "ok" => SyncKind.Ok,
            _ => null,
        };
        // Go and Ready carry no text; Ok carries the PID.
        return kind switch
        {
            null => null,
            SyncKind.Go or SyncKind.Ready when space >= 0 => null,
            SyncKind.Warn or SyncKind.Error or SyncKind.Ok when space < 0 => null,
            SyncKind.Ok when !int.TryParse(text, out _) => null,
            { } k => new SyncMessage(k, text),
        };
    }

    private static string Line(SyncMessage m)
    {
        string word = m.Kind switch
        {
            SyncKind.Go => "go", SyncKind.Ready => "ready", SyncKind.Warn => "warn", SyncKind.Error => "error", SyncKind.Ok => "ok",
            _ => throw new ArgumentOutOfRangeException(nameof(m)),
        };
        return m.Text.Length == 0 && m.Kind is SyncKind.Go or SyncKind.Ready ? word : word + " " + m.Text.Replace('\n', ' ');
    }

    /// <summary>Reads one '\n'-terminated line (without the newline), or null on EOF before any byte.</summary>
    private unsafe string? ReadLine()
    {
        var bytes = new List<byte>();
        byte b;
        while (true)
        {
            nint n = read(fd, &b, 1);
            if (n < 0) { if (Errno == EINTR) continue; throw new SyscallException("read", Errno); }
            if (n == 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
            if (b == (byte)'\n') return Encoding.UTF8.GetString(bytes.ToArray());
            bytes.Add(b);
        }
    }

    public void Dispose()
    {
        if (fd >= 0) close(fd);
        fd = -1;
    }
}

/// <summary>A line on a <see cref="SyncChannel"/> that is no message.</summary>
public sealed class UnexpectedSyncMessageException(string line) : IOException($"unexpected sync line: {line}")
{
    public string Line { get; } = line;
}
