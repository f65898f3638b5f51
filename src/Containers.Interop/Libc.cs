using System.Runtime.InteropServices;

namespace Containers.Interop;

/// <summary>
/// The one libc interop layer: every libc call of the runtime, the snapshotter, the image store and the engine host,
/// declared with source-generated marshalling (LibraryImport) so they work under NativeAOT without reflection and
/// never run managed code between fork and exec (we never fork: see Containers.Runtime/Launch/). One library name,
/// "libc.so.6" ("libc" resolves to "libc.so", on Debian a linker script dlopen cannot load), and one error type,
/// <see cref="SyscallException"/>. Constants whose values differ between architectures (syscall numbers, a few
/// open flags) live in <see cref="Arch"/>; the ones here are the same on every architecture we support.
/// </summary>
public static unsafe partial class Libc
{
    private const string Lib = "libc.so.6";

    public const int CLONE_NEWNS = 0x00020000, CLONE_NEWCGROUP = 0x02000000, CLONE_NEWUTS = 0x04000000,
        CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
        CLONE_NEWNET = 0x40000000, CLONE_FS = 0x00000200;

    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
        MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
        MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
        MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;

    public const int MNT_DETACH = 2;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200,
        O_APPEND = 0x400, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    /// <summary>O_DIRECTORY and O_NOFOLLOW differ between x86_64 and aarch64.</summary>
    public static int O_DIRECTORY => Arch.Current.ODirectory;
    public static int O_NOFOLLOW => Arch.Current.ONoFollow;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    public const int EINTR = 4, ESRCH = 3, ENOENT = 2, EPERM = 1, ECHILD = 10, EAGAIN = 11, EBUSY = 16, EINVAL = 22, EEXIST = 17;
    public const int WNOHANG = 1;
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000, S_IFBLK = 0x6000, S_IFDIR = 0x4000,
        S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    public const int PR_SET_PDEATHSIG = 1, PR_SET_KEEPCAPS = 8, PR_CAPBSET_DROP = 24, PR_SET_NO_NEW_PRIVS = 38,
        PR_SET_CHILD_SUBREAPER = 36, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_CLEAR_ALL = 4;

    // glibc posix_spawn attribute flags.
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    // Syscall numbers of this architecture (see Arch), for syscall(2) where glibc has no wrapper or the wrapper
    // would broadcast to every thread (setresuid & co: we want per-thread credentials).
    public static long SYS_setgroups => Arch.Current.Setgroups;
    public static long SYS_setresuid => Arch.Current.Setresuid;
    public static long SYS_setresgid => Arch.Current.Setresgid;
    public static long SYS_capget => Arch.Current.Capget;
    public static long SYS_capset => Arch.Current.Capset;
    public static long SYS_pivot_root => Arch.Current.PivotRoot;
    public static long SYS_gettid => Arch.Current.Gettid;
    public static long SYS_seccomp => Arch.Current.Seccomp;

    [LibraryImport(Lib, SetLastError = true)] public static partial int unshare(int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int setns(int fd, int nstype);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chroot(string path);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chdir(string path);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fchdir(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int sethostname(byte* name, nint len);
    [LibraryImport(Lib, SetLastError = true)] public static partial int setdomainname(byte* name, nint len);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknod(string path, uint mode, ulong dev);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkfifo(string path, uint mode);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, int uid, int gid);
    [LibraryImport(Lib, SetLastError = true)] public static partial int prlimit64(int pid, int resource, RLimit* newLimit, RLimit* oldLimit);
    [LibraryImport(Lib, SetLastError = true)] public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
    [LibraryImport(Lib, SetLastError = true)] public static partial long syscall(long number, nint a1, nint a2, nint a3);
    [LibraryImport(Lib, SetLastError = true)] public static partial int execve(byte* path, byte** argv, byte** envp);
    [LibraryImport(Lib)] public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_init(void* fa);
    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_destroy(void* fa);
    [LibraryImport(Lib)] public static partial int posix_spawn_file_actions_adddup2(void* fa, int fd, int newfd);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_init(void* attr);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_destroy(void* attr);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setflags(void* attr, short flags);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);
    [LibraryImport(Lib)] public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);
    [LibraryImport(Lib)] public static partial int sigemptyset(void* set);
    [LibraryImport(Lib)] public static partial int sigfillset(void* set);
    [LibraryImport(Lib, SetLastError = true)] public static partial int waitpid(int pid, int* status, int options);
    [LibraryImport(Lib, SetLastError = true)] public static partial int kill(int pid, int sig);
    [LibraryImport(Lib, SetLastError = true)] public static partial int pipe2(int* fds, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int socketpair(int domain, int type, int protocol, int* fds);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint read(int fd, byte* buf, nint count);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint write(int fd, byte* buf, nint count);
    [LibraryImport(Lib, SetLastError = true)] public static partial int close(int fd);
    [LibraryImport(Lib, SetLastError = true)] public static partial int dup2(int oldfd, int newfd);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fcntl(int fd, int cmd, int arg);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ioctl(int fd, ulong request, void* arg);
    [LibraryImport(Lib, SetLastError = true)] public static partial int setsid();
    [LibraryImport(Lib, SetLastError = true)] public static partial int poll(int* fds, ulong nfds, int timeout);
    [LibraryImport(Lib, SetLastError = true)] public static partial long lseek(int fd, long offset, int whence);
    [LibraryImport(Lib, SetLastError = true)] public static partial int ftruncate(int fd, long length);
    [LibraryImport(Lib, SetLastError = true)] public static partial int clock_gettime(int clock, long* timespec);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlink(string path);

    public const int POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, EIO = 5, ENXIO = 6;
    public const int F_GETFL = 3, F_SETFL = 4;
    /// <summary>The same on every architecture (syscalls from 424 on share one table).</summary>
    public const long SYS_pidfd_open = 434, SYS_pidfd_getfd = 438;
    public const ulong TIOCSWINSZ = 0x5414;
    [LibraryImport(Lib)] public static partial int getpid();
    [LibraryImport(Lib, SetLastError = true)] public static partial nint sendmsg(int fd, void* msg, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial nint recvmsg(int fd, void* msg, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int socket(int domain, int type, int protocol);
    [LibraryImport(Lib, SetLastError = true)] public static partial int bind(int fd, byte* addr, int len);
    [LibraryImport(Lib, SetLastError = true)] public static partial int listen(int fd, int backlog);
    [LibraryImport(Lib, SetLastError = true)] public static partial int accept4(int fd, void* addr, void* len, int flags);
    [LibraryImport(Lib, SetLastError = true)] public static partial int connect(int fd, byte* addr, int len);
    [LibraryImport(Lib)] public static partial uint umask(uint mask);
    [LibraryImport(Lib, SetLastError = true)] public static partial int fsync(int fd);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, int uid, int gid);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, uint mode);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldpath, string newpath);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int utimensat(int dirfd, string path, Timespec* times, int flags);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nuint size);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint llistxattr(string path, byte* list, nuint size);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, Statx* buffer);
    [LibraryImport(Lib, SetLastError = true)] public static partial int uname(byte* buffer);
    // Scoped path resolution (openat2) and mount attributes (mount_setattr): syscalls without a glibc wrapper we can
    // rely on, numbered from the shared table (the same on every architecture).
    public const long SYS_openat2 = 437, SYS_mount_setattr = 442;
    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08,
        RESOLVE_IN_ROOT = 0x10;
    public const int AT_EMPTY_PATH = 0x1000, AT_RECURSIVE = 0x8000, AT_REMOVEDIR = 0x200;
    public const ulong MOUNT_ATTR_RDONLY = 0x1;
    public const int ENOTDIR = 20, ELOOP = 40, ENOSYS = 38, EXDEV = 18, ENAMETOOLONG = 36;

    /// <summary>struct open_how (linux/openat2.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow { public ulong Flags; public ulong Mode; public ulong Resolve; }

    /// <summary>struct mount_attr (linux/mount.h), MOUNT_ATTR_SIZE_VER0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MountAttr { public ulong AttrSet; public ulong AttrClr; public ulong Propagation; public ulong UsernsFd; }

    [LibraryImport(Lib, SetLastError = true)] public static partial long syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5);

    /// <summary>openat2(2): -1 and errno on failure.</summary>
    public static int openat2(int dirfd, string path, ulong flags, ulong resolve, ulong mode = 0)
    {
        var how = new OpenHow { Flags = flags, Mode = mode, Resolve = resolve };
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return (int)syscall(SYS_openat2, dirfd, (nint)p, (nint)(&how), sizeof(OpenHow), 0);
    }

    /// <summary>mount_setattr(2) on the mount an fd refers to (AT_EMPTY_PATH), with AT_RECURSIVE if asked.</summary>
    public static int mount_setattr(int fd, bool recursive, MountAttr attr)
    {
        byte empty = 0;
        return (int)syscall(SYS_mount_setattr, fd, (nint)(&empty), AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), (nint)(&attr), sizeof(MountAttr));
    }

    private static readonly Lazy<bool> hasMountSetattr = new(() => mount_setattr(-1, false, default) == 0 || Errno != ENOSYS);

    /// <summary>Whether this kernel has mount_setattr(2) (Linux 5.12): recursive mount attributes such as "rro".</summary>
    public static bool HasMountSetattr => hasMountSetattr.Value;

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdirat(int dirfd, string path, uint mode);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknodat(int dirfd, string path, uint mode, ulong dev);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openat(int dirfd, string path, int flags, uint mode);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlinkat(string target, int dirfd, string path);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int dirfd, string path, int flags);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchownat(int dirfd, string path, int uid, int gid, int flags);
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint readlinkat(int dirfd, string path, byte* buffer, nuint size);

    /// <summary>readlinkat(2) as a string; null (errno set) on failure, e.g. EINVAL when the entry is not a symlink.</summary>
    public static string? ReadLinkAt(int dirfd, string path)
    {
        var buffer = stackalloc byte[4096];
        nint n = readlinkat(dirfd, path, buffer, 4096);
        return n < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, (int)n);
    }

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint getgrnam(string name);

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit { public ulong Cur; public ulong Max; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long Seconds; public long Nanoseconds; }

    public const uint STATX_TYPE = 1, STATX_BASIC_STATS = 0x7ff;

    /// <summary>struct statx (linux/stat.h): the same layout on every architecture, unlike struct stat.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0x10)] public uint Nlink;
        [FieldOffset(0x14)] public int Uid;
        [FieldOffset(0x18)] public int Gid;
        [FieldOffset(0x1c)] public ushort Mode;
        [FieldOffset(0x20)] public ulong Ino;
        [FieldOffset(0x28)] public long Size;
        [FieldOffset(0x30)] public long Blocks;
        [FieldOffset(0x70)] public long MtimeSeconds; // stx_mtime (0x50 is stx_btime)
        [FieldOffset(0x78)] public uint MtimeNanoseconds;
        [FieldOffset(0x80)] public uint RdevMajor;
        [FieldOffset(0x84)] public uint RdevMinor;
    }

    /// <summary>lstat through statx: null when the path does not exist or cannot be examined.</summary>
    public static Statx? LStat(string path, uint mask = STATX_BASIC_STATS)
    {
        Statx buffer;
        return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, mask, &buffer) == 0 ? buffer : null;
    }

    public static int GetTid() => (int)syscall(SYS_gettid, 0, 0, 0);

    /// <summary>Throws a <see cref="SyscallException"/> naming <paramref name="what"/> when rc is -1.</summary>
    public static int Check(int rc, string what) => rc == -1 ? throw new SyscallException(what, Marshal.GetLastPInvokeError()) : rc;

    public static long Check(long rc, string what) => rc == -1 ? throw new SyscallException(what, Marshal.GetLastPInvokeError()) : rc;

    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>Writes all of <paramref name="data"/> to <paramref name="fd"/>, retrying on EINTR and short writes.</summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint done = 0;
            while (done < data.Length)
            {
                nint n = write(fd, p + done, data.Length - done);
                if (n < 0) { if (Errno == EINTR) continue; throw new SyscallException("write", Errno); }
                done += n;
            }
        }
    }

    /// <summary>Decodes a waitpid status the way Docker reports it: the exit code, or 128+N for signal N.</summary>
    public static int ExitCodeFromWaitStatus(int status, out int signal)
    {
        signal = status & 0x7f;
        if (signal == 0) return (status >> 8) & 0xff;
        return 128 + signal;
    }

    /// <summary>The gid of a group, or null when the group does not exist.</summary>
    public static int? GroupId(string name)
    {
        var group = getgrnam(name);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }: gid follows two pointers.
        return group == 0 ? null : Marshal.ReadInt32(group, 2 * IntPtr.Size);
    }

    /// <summary>uname(2)'s fields: struct utsname is six 65-byte strings on Linux.</summary>
    public static (string SysName, string NodeName, string Release, string Version, string Machine) Uname()
    {
        const int field = 65;
        var buffer = stackalloc byte[field * 6];
        if (uname(buffer) != 0) return ("Linux", "", "", "", "");
        string Read(int i) => Marshal.PtrToStringUTF8((IntPtr)(buffer + i * field)) ?? "";
        return (Read(0), Read(1), Read(2), Read(3), Read(4));
    }

    /// <summary>True when the path (not followed if a symlink) is a Unix socket.</summary>
    public static bool IsSocket(string path) => LStat(path, STATX_TYPE) is { } s && (s.Mode & S_IFMT) == S_IFSOCK;

    /// <summary>
    /// Reads a small file without taking a lock. .NET's FileStream takes flock(LOCK_SH) on every open, which
    /// fails while another engine holds the exclusive lock on that file, and that is exactly when we read it.
    /// </summary>
    public static string? ReadSmallFileWithoutLock(string path)
    {
        var fd = open(path, O_RDONLY | O_CLOEXEC, 0);
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
