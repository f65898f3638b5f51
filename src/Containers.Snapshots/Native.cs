using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Containers.Snapshots;

/// <summary>The libc calls the snapshotter needs that .NET does not wrap (ownership of links, device nodes, xattrs, mounts).</summary>
internal static unsafe partial class Native
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint SIfChr = 0x2000, SIfBlk = 0x6000, SIfIfo = 0x1000, SIfMt = 0xF000, SIfReg = 0x8000, SIfDir = 0x4000, SIfLnk = 0xA000;
    public const int CloneFs = 0x00000200;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int uid, int gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr(string path, byte* list, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat(int dirfd, string path, Timespec* times, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open_mode(string path, int flags, uint mode);

    /// <summary>
    /// Creates a new file for writing: never follows a symlink at the final component and never replaces anything
    /// (O_EXCL | O_NOFOLLOW). Unlike FileStream's own open, it takes no advisory lock (two flock calls per file).
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateNewFile(string path)
    {
        const int OWronly = 0x1, OCreat = 0x40, OExcl = 0x80, ONoFollow = 0x20000, OCloexec = 0x80000;
        var fd = open_mode(path, OWronly | OCreat | OExcl | ONoFollow | OCloexec, 0x180 /* 0600 until chmod */);
        if (fd < 0) throw new IOException($"create {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string fstype, ulong flags, string? data);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static void Check(int result, string what, string path)
    {
        if (result != 0) throw new IOException($"{what} {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
    }

    public static ulong MakeDev(long major, long minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (ulong)(minor & 0xff);

    public static void MakeNode(string path, uint typeAndMode, long major, long minor) =>
        Check(mknod(path, typeAndMode, MakeDev(major, minor)), "mknod", path);

    public static void LChown(string path, int uid, int gid) => Check(lchown(path, uid, gid), "lchown", path);

    public static void Chmod(string path, uint mode) => Check(chmod(path, mode), "chmod", path);

    public static void HardLink(string existing, string newPath) => Check(link(existing, newPath), "link", newPath);

    public static void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) Check(lsetxattr(path, name, p, (nuint)value.Length, 0), $"setxattr {name}", path);
    }

    public static byte[]? GetXattr(string path, string name)
    {
        var size = lgetxattr(path, name, null, 0);
        if (size < 0) return null;
        var buffer = new byte[size];
        fixed (byte* p = buffer) size = lgetxattr(path, name, p, (nuint)buffer.Length);
        return size < 0 ? null : buffer[..(int)size];
    }

    public static List<string> ListXattrs(string path)
    {
        var size = llistxattr(path, null, 0);
        if (size <= 0) return [];
        var buffer = new byte[size];
        fixed (byte* p = buffer) size = llistxattr(path, p, (nuint)buffer.Length);
        return size <= 0 ? [] : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>Sets atime and mtime of a path without following a final symlink.</summary>
    public static void SetTimes(string path, DateTimeOffset modified)
    {
        var ticks = modified.UtcTicks - DateTime.UnixEpoch.Ticks;
        var t = new Timespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
        var times = stackalloc Timespec[2] { t, t };
        Check(utimensat(AtFdCwd, path, times, AtSymlinkNoFollow), "utimensat", path);
    }

    public static void Mount(string source, string target, string type, ulong flags, string? data) =>
        Check(mount(source, target, type, flags, data), "mount", target);

    public static void Unmount(string target, int flags = 0) => Check(umount2(target, flags), "umount", target);

    /// <summary>Gives the calling thread its own cwd and root (so chdir affects no other thread).</summary>
    public static void UnshareFs() => Check(unshare(CloneFs), "unshare(CLONE_FS)", "");

    public static void ChangeDirectory(string path) => Check(chdir(path), "chdir", path);

    /// <summary>lstat's fields we use: file type and mode, owner, device numbers of a device node, link count, inode.</summary>
    public readonly record struct Stat(uint Mode, int Uid, int Gid, long RdevMajor, long RdevMinor, uint Links, ulong Inode, long Size, long Blocks, DateTimeOffset Modified)
    {
        public uint Type => Mode & SIfMt;
        public bool IsWhiteout => Type == SIfChr && RdevMajor == 0 && RdevMinor == 0;
    }

    /// <summary>lstat through statx, whose layout is the same on every architecture.</summary>
    public static Stat? LStat(string path)
    {
        var b = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, 0xfff /* STATX_BASIC_STATS */, b) != 0) return null;
        var mtimeSec = *(long*)(b + 0x70); // stx_mtime (0x50 is stx_btime)
        var mtimeNsec = *(uint*)(b + 0x78);
        return new Stat(
            Mode: *(ushort*)(b + 0x1c),
            Uid: *(int*)(b + 0x14),
            Gid: *(int*)(b + 0x18),
            RdevMajor: *(uint*)(b + 0x80),
            RdevMinor: *(uint*)(b + 0x84),
            Links: *(uint*)(b + 0x10),
            Inode: *(ulong*)(b + 0x20),
            Size: *(long*)(b + 0x28),
            Blocks: *(long*)(b + 0x30),
            Modified: DateTimeOffset.FromUnixTimeSeconds(mtimeSec).AddTicks(mtimeNsec / 100));
    }
}
