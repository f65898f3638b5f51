using Containers.Interop;
using Microsoft.Win32.SafeHandles;
using static Containers.Interop.Libc;

namespace Containers.Images.Content;

/// <summary>fsync of files and directories, which the base library does not expose, over <see cref="Libc"/>.</summary>
internal static class Native
{
    public static void Fsync(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added); // the descriptor stays open for the call, as SafeHandle marshalling would
            if (fsync((int)handle.DangerousGetHandle()) != 0) throw new SyscallException("fsync", Errno);
        }
        finally { if (added) handle.DangerousRelease(); }
    }

    /// <summary>.NET refuses to open directories as files, so the directory fsync goes through open(2).</summary>
    public static void FsyncDirectory(string dir)
    {
        int fd = Check(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), $"open directory {dir}");
        try { Check(fsync(fd), $"fsync directory {dir}"); }
        finally { close(fd); }
    }
}
