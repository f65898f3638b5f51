using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Containers.Images.Content;

/// <summary>The few libc calls the base library does not expose (fsync of files and directories).</summary>
internal static partial class Native
{
    private const int O_RDONLY = 0, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncRaw(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    public static void Fsync(SafeFileHandle handle)
    {
        if (FsyncFd(handle) != 0)
            throw new IOException($"fsync failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>.NET refuses to open directories as files, so the directory fsync goes through open(2).</summary>
    public static void FsyncDirectory(string dir)
    {
        int fd = Open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw new IOException($"cannot open directory {dir}: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (FsyncRaw(fd) != 0) throw new IOException($"fsync of directory {dir} failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally { Close(fd); }
    }
}
