using System.Runtime.InteropServices;

namespace Containers.Runtime.Interop;

/// <summary>
/// The libc calls the runtime needs, declared with source-generated marshalling so they work
/// under NativeAOT and never run managed code between fork and exec (we never fork: see Launch/).
/// "libc.so.6" is named explicitly because "libc.so" on Debian is a linker script dlopen cannot load.
/// </summary>
internal static unsafe partial class Libc
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
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_NOCTTY = 0x100, O_TRUNC = 0x200,
        O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    public const int EINTR = 4, ESRCH = 3, ENOENT = 2, EPERM = 1, ECHILD = 10, EAGAIN = 11, EBUSY = 16, EINVAL = 22, EEXIST = 17;
    public const int WNOHANG = 1;
    public const int S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    public const int PR_SET_PDEATHSIG = 1, PR_SET_KEEPCAPS = 8, PR_CAPBSET_DROP = 24, PR_SET_NO_NEW_PRIVS = 38,
        PR_SET_CHILD_SUBREAPER = 36, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_CLEAR_ALL = 4;

    // glibc posix_spawn attribute flags.
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    // x86_64 syscall numbers used through syscall(2) where glibc has no wrapper or the wrapper
    // would broadcast to every thread (setresuid & co: we want per-thread credentials).
    public const long SYS_setgroups = 116, SYS_setresuid = 117, SYS_setresgid = 119, SYS_capget = 125,
        SYS_capset = 126, SYS_pivot_root = 155, SYS_gettid = 186, SYS_seccomp = 317;

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
    public const long SYS_pidfd_open = 434, SYS_pidfd_getfd = 438;
    public const ulong TIOCSWINSZ = 0x5414;
    [LibraryImport(Lib)] public static partial int getpid();
    [LibraryImport(Lib, SetLastError = true)] public static partial nint sendmsg(int fd, void* msg, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit { public ulong Cur; public ulong Max; }

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

    /// <summary>Reads one '\n'-terminated line (without the newline), or null on EOF before any byte.</summary>
    public static string? ReadLine(int fd)
    {
        var bytes = new List<byte>();
        byte b;
        while (true)
        {
            nint n = read(fd, &b, 1);
            if (n < 0) { if (Errno == EINTR) continue; throw new SyscallException("read", Errno); }
            if (n == 0) return bytes.Count == 0 ? null : System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            if (b == (byte)'\n') return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            bytes.Add(b);
        }
    }

    /// <summary>Decodes a waitpid status the way Docker reports it: the exit code, or 128+N for signal N.</summary>
    public static int ExitCodeFromWaitStatus(int status, out int signal)
    {
        signal = status & 0x7f;
        if (signal == 0) return (status >> 8) & 0xff;
        return 128 + signal;
    }
}

/// <summary>A failed system call: carries errno and names the call and its operands.</summary>
public sealed class SyscallException(string operation, int errno)
    : IOException($"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public int Errno { get; } = errno;
    public string Operation { get; } = operation;
}
