using System.Runtime.InteropServices;
using System.Text;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Terminal;

/// <summary>
/// runc's --console-socket protocol: the container's init creates the pty pair inside the container's devpts
/// instance and sends the master over a Unix socket with SCM_RIGHTS (payload: the pty's name). The engine listens
/// with <see cref="Listen"/> and receives the master with <see cref="ReceiveMaster"/>; the init side is <see cref="SendFd"/>.
/// </summary>
public sealed unsafe class ConsoleSocket : IDisposable
{
    private int listener;
    public string Path { get; }

    private ConsoleSocket(int fd, string path) { listener = fd; Path = path; }

    public static ConsoleSocket Listen(string path)
    {
        int fd = Check(socket(AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0), "socket(AF_UNIX)");
        try
        {
            byte* addr = stackalloc byte[110];
            int len = Address(path, addr);
            Check(bind(fd, addr, len), $"bind {path}");
            Check(listen(fd, 1), $"listen {path}");
            return new ConsoleSocket(fd, path);
        }
        catch { close(fd); throw; }
    }

    /// <summary>Accepts the init's connection and returns the pty master it sends (the caller owns the descriptor).</summary>
    public int ReceiveMaster()
    {
        int conn = Check(accept4(listener, null, null, O_CLOEXEC), $"accept on {Path}");
        try
        {
            byte* name = stackalloc byte[256];
            byte* control = stackalloc byte[64];
            nint* iov = stackalloc nint[2] { (nint)name, 256 };
            byte* msg = stackalloc byte[56];
            new Span<byte>(msg, 56).Clear();
            *(nint**)(msg + 16) = iov;           // msg_iov
            *(nint*)(msg + 24) = 1;               // msg_iovlen
            *(byte**)(msg + 32) = control;        // msg_control
            *(nint*)(msg + 40) = 64;              // msg_controllen
            if (recvmsg(conn, msg, O_CLOEXEC /* MSG_CMSG_CLOEXEC has the same value */) < 0) throw new Interop.SyscallException($"recvmsg on {Path}", Errno);
            if (*(nint*)(msg + 40) < 20 || *(int*)(control + 8) != SOL_SOCKET || *(int*)(control + 12) != SCM_RIGHTS)
                throw new IOException($"console socket {Path}: the peer sent no file descriptor");
            return *(int*)(control + 16);
        }
        finally { close(conn); }
    }

    /// <summary>Connects to <paramref name="path"/> and sends <paramref name="fd"/> with <paramref name="name"/> as payload.</summary>
    public static void SendFd(string path, int fd, string name)
    {
        int s = Connect(path);
        try { Send(s, fd, name); }
        finally { close(s); }
    }

    /// <summary>A connection to the listener at <paramref name="path"/> (made while the path is reachable; sent on later).</summary>
    public static int Connect(string path)
    {
        int s = Check(socket(AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0), "socket(AF_UNIX)");
        try
        {
            byte* addr = stackalloc byte[110];
            int len = Address(path, addr);
            Check(connect(s, addr, len), $"connect to console socket {path}");
            return s;
        }
        catch { close(s); throw; }
    }

    /// <summary>Sends <paramref name="fd"/> with <paramref name="name"/> as payload over the connection <paramref name="s"/>.</summary>
    public static void Send(int s, int fd, string name)
    {
        byte[] payload = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = payload)
        {
            byte* control = stackalloc byte[24];
            new Span<byte>(control, 24).Clear();
            *(nint*)control = 20;                 // cmsg_len = CMSG_LEN(sizeof(int))
            *(int*)(control + 8) = SOL_SOCKET;
            *(int*)(control + 12) = SCM_RIGHTS;
            *(int*)(control + 16) = fd;
            nint* iov = stackalloc nint[2] { (nint)p, payload.Length };
            byte* msg = stackalloc byte[56];
            new Span<byte>(msg, 56).Clear();
            *(nint**)(msg + 16) = iov;
            *(nint*)(msg + 24) = 1;
            *(byte**)(msg + 32) = control;
            *(nint*)(msg + 40) = 24;             // CMSG_SPACE(sizeof(int))
            if (sendmsg(s, msg, 0x4000 /* MSG_NOSIGNAL */) < 0) throw new Interop.SyscallException("sendmsg to the console socket", Errno);
        }
    }

    private static int Address(string path, byte* addr)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length > 107) throw new ArgumentException($"console socket path '{path}' is longer than 107 bytes", nameof(path));
        new Span<byte>(addr, 110).Clear();
        *(short*)addr = AF_UNIX;
        bytes.CopyTo(new Span<byte>(addr + 2, 108));
        return 2 + bytes.Length + 1;
    }

    public void Dispose()
    {
        if (listener >= 0) { close(listener); listener = -1; try { File.Delete(Path); } catch (IOException) { } }
    }
}
