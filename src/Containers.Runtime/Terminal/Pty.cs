using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Terminal;

/// <summary>The container's terminal, made by the init from the container's own devpts instance.</summary>
internal static unsafe class Pty
{
    private const ulong TIOCSPTLCK = 0x40045431, TIOCGPTN = 0x80045430, TIOCGPTPEER = 0x5441, TIOCSCTTY = 0x540E;

    /// <summary>
    /// Opens a pty pair in <paramref name="rootfs"/>/dev/pts, sends the master to <paramref name="consoleSocket"/>, binds the
    /// slave over /dev/console and makes it this process's stdio and controlling terminal (new session).
    /// </summary>
    public static void Setup(string rootfs, string consoleSocket, ConsoleSize? size)
    {
        string ptmx = Init.SecureJoin.Resolve(rootfs, "/dev/pts/ptmx");
        int master = Check(open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC, 0), $"open {ptmx} (does the spec mount devpts with newinstance on /dev/pts?)");
        try
        {
            int unlock = 0;
            Check(ioctl(master, TIOCSPTLCK, &unlock), "ioctl(TIOCSPTLCK)");
            uint number;
            Check(ioctl(master, TIOCGPTN, &number), "ioctl(TIOCGPTN)");
            int slave = Check(ioctl(master, TIOCGPTPEER, (void*)(O_RDWR | O_NOCTTY)), "ioctl(TIOCGPTPEER)");
            if (size is { Height: > 0, Width: > 0 }) SetSize(slave, (ushort)size.Width, (ushort)size.Height);
            string console = Init.SecureJoin.Resolve(rootfs, "/dev/console");
            if (!File.Exists(console)) File.WriteAllBytes(console, []);
            Check(mount(Init.SecureJoin.Resolve(rootfs, $"/dev/pts/{number}"), console, null, MS_BIND, null), "bind the pty over /dev/console");
            ConsoleSocket.SendFd(consoleSocket, master, $"/dev/pts/{number}");
            Check(setsid(), "setsid");
            Check(ioctl(slave, TIOCSCTTY, null), "ioctl(TIOCSCTTY)");
            for (int fd = 0; fd <= 2; fd++) Check(dup2(slave, fd), $"dup2 pty to fd {fd}");
            if (slave > 2) close(slave);
        }
        finally { close(master); }
    }

    /// <summary>TIOCSWINSZ on either end of a pty: the kernel then sends SIGWINCH to the terminal's foreground group.</summary>
    public static void SetSize(int fd, ushort width, ushort height)
    {
        ushort* ws = stackalloc ushort[4] { height, width, 0, 0 };
        Check(ioctl(fd, TIOCSWINSZ, ws), "ioctl(TIOCSWINSZ)");
    }
}
