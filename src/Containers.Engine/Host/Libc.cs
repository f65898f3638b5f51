using System.Runtime.InteropServices;

namespace Containers.Engine.Host;

/// <summary>The few libc calls the engine host needs (no managed wrapper exists for them).</summary>
internal static partial class Libc
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, int owner, int group);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int uname(byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getgrnam(string name);

    /// <summary>The gid of a group, or null when the group does not exist.</summary>
    public static int? GroupId(string name)
    {
        var group = getgrnam(name);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }: gid follows two pointers.
        return group == IntPtr.Zero ? null : Marshal.ReadInt32(group, 2 * IntPtr.Size);
    }

    /// <summary>uname(2)'s fields: struct utsname is six 65-byte strings on Linux.</summary>
    public static unsafe (string SysName, string NodeName, string Release, string Version, string Machine) Uname()
    {
        const int field = 65;
        var buffer = stackalloc byte[field * 6];
        if (uname(buffer) != 0) return ("Linux", "", "", "", "");
        string Read(int i) => Marshal.PtrToStringUTF8((IntPtr)(buffer + i * field)) ?? "";
        return (Read(0), Read(1), Read(2), Read(3), Read(4));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>True when the path (not followed if a symlink) is a Unix socket. statx's layout is the same on every architecture.</summary>
    public static unsafe bool IsSocket(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        const uint StatxType = 1;
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0) return false;
        var mode = *(ushort*)(buffer + 28); // stx_mode
        return (mode & 0xF000) == 0xC000;   // S_IFMT == S_IFSOCK
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    /// <summary>
    /// Reads a small file without taking a lock. .NET's FileStream takes flock(LOCK_SH) on every open, which
    /// fails while another engine holds the exclusive lock on that file, and that is exactly when we read it.
    /// </summary>
    public static unsafe string? ReadSmallFileWithoutLock(string path)
    {
        var fd = open(path, 0 /* O_RDONLY */);
        if (fd < 0) return null;
        try
        {
            var buffer = stackalloc byte[256];
            var n = read(fd, buffer, 256);
            return n <= 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)n);
        }
        finally
        {
            close(fd);
        }
    }
}
