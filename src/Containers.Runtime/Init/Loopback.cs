using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>Brings "lo" up in a new network namespace (runc does the same), with SIOCSIFFLAGS.</summary>
internal static unsafe class Loopback
{
    public static void Up()
    {
        int s = Check(socket(2 /* AF_INET */, 2 | O_CLOEXEC /* SOCK_DGRAM */, 0), "socket(AF_INET)");
        try
        {
            byte* ifr = stackalloc byte[40];
            new Span<byte>(ifr, 40).Clear();
            "lo"u8.CopyTo(new Span<byte>(ifr, 16));
            Check(ioctl(s, 0x8913 /* SIOCGIFFLAGS */, ifr), "ioctl(SIOCGIFFLAGS lo)");
            *(short*)(ifr + 16) |= 1 /* IFF_UP */;
            Check(ioctl(s, 0x8914 /* SIOCSIFFLAGS */, ifr), "ioctl(SIOCSIFFLAGS lo)");
        }
        finally { close(s); }
    }
}
