using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Terminal;

/// <summary>The container's terminal, made by the init from the container's own devpts instance.</summary>
public static unsafe class Pty
{
    private const ulong TIOCSPTLCK = 0x40045431, TIOCGPTN = 0x80045430, TIOCGPTPEER = 0x5441, TIOCSCTTY = 0x540E;

    /// <summary>
    /// Opens a pty pair in the container's /dev/pts (reached through <paramref name="root"/>), sends the master to <paramref name="consoleSocket"/>, binds the
    /// slave over /dev/console and makes it this process's stdio and controlling terminal (new session).
    /// </summary>
    internal static void Setup(Init.RootfsHandle root, string consoleSocket, ConsoleSize? size)
    {
        int master, slave;
        uint number;
        using (var ptmx = root.OpenExisting("/dev/pts/ptmx")) (master, slave, number) = Open(ptmx.Path, size);
        try
        {
            // The slave itself (by its descriptor) is bound over /dev/console, opened in scope like any mount target.
            using (var console = root.Open("/dev/console", file: true))
                Check(mount($"/proc/self/fd/{slave}", console.Path, null, MS_BIND, null), "bind the pty over /dev/console");
            ConsoleSocket.SendFd(consoleSocket, master, $"/dev/pts/{number}");
        }
        finally { close(master); }
        BecomeControlling(slave);
    }

    /// <summary>
    /// For an exec'd process already in the container's mount namespace: a pty pair from the container's /dev/pts, the
    /// master sent over <paramref name="consoleConnection"/> (connected before the namespace hid the socket's path), the
    /// slave made this process's stdio and controlling terminal (new session).
    /// </summary>
    internal static void SetupForExec(int consoleConnection, ConsoleSize? size)
    {
        var (master, slave, number) = Open("/dev/pts/ptmx", size);
        try { ConsoleSocket.Send(consoleConnection, master, $"/dev/pts/{number}"); }
        finally { close(master); close(consoleConnection); }
        BecomeControlling(slave);
    }

    private static (int Master, int Slave, uint Number) Open(string ptmx, ConsoleSize? size)
    {
        int master = Check(open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC, 0), $"open {ptmx} (does the spec mount devpts with newinstance on /dev/pts?)");
        try
        {
            int unlock = 0;
            Check(ioctl(master, TIOCSPTLCK, &unlock), "ioctl(TIOCSPTLCK)");
            uint number;
            Check(ioctl(master, TIOCGPTN, &number), "ioctl(TIOCGPTN)");
            int slave = Check(ioctl(master, TIOCGPTPEER, (void*)(O_RDWR | O_NOCTTY)), "ioctl(TIOCGPTPEER)");
            if (size is { Height: > 0, Width: > 0 }) SetSize(slave, (ushort)size.Width, (ushort)size.Height);
            return (master, slave, number);
        }
        catch { close(master); throw; }
    }

    /// <summary>A new session whose controlling terminal is <paramref name="slave"/>, which becomes fds 0-2.</summary>
    private static void BecomeControlling(int slave)
    {
        Check(setsid(), "setsid");
        Check(ioctl(slave, TIOCSCTTY, null), "ioctl(TIOCSCTTY)");
        for (int fd = 0; fd <= 2; fd++) Check(dup2(slave, fd), $"dup2 pty to fd {fd}");
        if (slave > 2) close(slave);
    }

    /// <summary>TIOCSWINSZ on either end of a pty (the engine resizes an exec's terminal through its master): the kernel then sends SIGWINCH to the terminal's foreground group.</summary>
    public static void SetSize(int fd, ushort width, ushort height)
    {
        ushort* ws = stackalloc ushort[4] { height, width, 0, 0 };
        Check(ioctl(fd, TIOCSWINSZ, ws), "ioctl(TIOCSWINSZ)");
    }
}
