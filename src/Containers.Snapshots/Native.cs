using Containers.Interop;
using static Containers.Interop.Libc;

namespace Containers.Snapshots;

/// <summary>The snapshotter's file operations that .NET does not wrap (ownership of links, device nodes, xattrs, mounts), over <see cref="Libc"/>.</summary>
internal static class Native
{
    public const uint SIfChr = S_IFCHR, SIfBlk = S_IFBLK, SIfIfo = S_IFIFO, SIfMt = S_IFMT, SIfReg = S_IFREG, SIfDir = S_IFDIR, SIfLnk = S_IFLNK;

    /// <summary>
    /// Creates a new file for writing: never follows a symlink at the final component and never replaces anything
    /// (O_EXCL | O_NOFOLLOW). Unlike FileStream's own open, it takes no advisory lock (two flock calls per file).
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateNewFile(string path)
    {
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180 /* 0600 until chmod */);
        if (fd < 0) throw new SyscallException($"create {path}", Errno);
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    private static void Check(int result, string what, string path)
    {
        if (result != 0) throw new SyscallException($"{what} {path}", Errno);
    }

    public static ulong MakeDev(long major, long minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (ulong)(minor & 0xff);

    public static void MakeNode(string path, uint typeAndMode, long major, long minor) =>
        Check(mknod(path, typeAndMode, MakeDev(major, minor)), "mknod", path);

    public static void LChown(string path, int uid, int gid) => Check(lchown(path, uid, gid), "lchown", path);

    public static void Chmod(string path, uint mode) => Check(chmod(path, mode), "chmod", path);

    public static void HardLink(string existing, string newPath) => Check(link(existing, newPath), "link", newPath);

    public static unsafe void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) Check(lsetxattr(path, name, p, (nuint)value.Length, 0), $"setxattr {name}", path);
    }

    public static unsafe byte[]? GetXattr(string path, string name)
    {
        var size = lgetxattr(path, name, null, 0);
        if (size < 0) return null;
        var buffer = new byte[size];
        fixed (byte* p = buffer) size = lgetxattr(path, name, p, (nuint)buffer.Length);
        return size < 0 ? null : buffer[..(int)size];
    }

    public static unsafe List<string> ListXattrs(string path)
    {
        var size = llistxattr(path, null, 0);
        if (size <= 0) return [];
        var buffer = new byte[size];
        fixed (byte* p = buffer) size = llistxattr(path, p, (nuint)buffer.Length);
        return size <= 0 ? [] : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>Sets atime and mtime of a path without following a final symlink.</summary>
    public static unsafe void SetTimes(string path, DateTimeOffset modified)
    {
        var ticks = modified.UtcTicks - DateTime.UnixEpoch.Ticks;
        var t = new Timespec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
        var times = stackalloc Timespec[2] { t, t };
        Check(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    public static void Mount(string source, string target, string type, ulong flags, string? data) =>
        Check(mount(source, target, type, flags, data), "mount", target);

    public static void Unmount(string target, int flags = 0) => Check(umount2(target, flags), "umount", target);

    /// <summary>Gives the calling thread its own cwd and root (so chdir affects no other thread).</summary>
    public static void UnshareFs() => Check(unshare(CLONE_FS), "unshare(CLONE_FS)", "");

    public static void ChangeDirectory(string path) => Check(chdir(path), "chdir", path);

    /// <summary>lstat's fields we use: file type and mode, owner, device numbers of a device node, link count, inode.</summary>
    public readonly record struct Stat(uint Mode, int Uid, int Gid, long RdevMajor, long RdevMinor, uint Links, ulong Inode, long Size, long Blocks, DateTimeOffset Modified)
    {
        public uint Type => Mode & SIfMt;
        public bool IsWhiteout => Type == SIfChr && RdevMajor == 0 && RdevMinor == 0;
    }

    public static Stat? LStat(string path) => Libc.LStat(path) is { } s
        ? new Stat(Mode: s.Mode, Uid: s.Uid, Gid: s.Gid, RdevMajor: s.RdevMajor, RdevMinor: s.RdevMinor, Links: s.Nlink, Inode: s.Ino,
            Size: s.Size, Blocks: s.Blocks, Modified: DateTimeOffset.FromUnixTimeSeconds(s.MtimeSeconds).AddTicks(s.MtimeNanoseconds / 100))
        : null;
}
