using Containers.Interop;
using Containers.Snapshots;

namespace Containers.Engine.Archive;

/// <summary>
/// An open directory of a container's root, reached from the root one component at a time with O_NOFOLLOW, and used
/// through <c>/proc/self/fd/N/name</c> paths. <see cref="ScopedPath"/> decides where a container path leads; this holds
/// the result still: a process of a running container that swaps a directory for a symlink after the resolution makes
/// the open fail (a symlink is not opened as a directory) instead of leading the copy outside the container, and the
/// kernel resolves <c>/proc/self/fd/N</c> to the directory itself, so only the last component of each operation is
/// looked up by name, and every operation on it is one that does not follow a symlink there.
/// </summary>
public sealed class DirectoryHandle : IDisposable
{
    private readonly int _fd;

    private DirectoryHandle(int fd) => _fd = fd;

    /// <summary>The directory as a path the kernel resolves through the open descriptor.</summary>
    public string Path => $"/proc/self/fd/{_fd}";

    /// <summary>
    /// Opens <paramref name="hostPath"/>, a real directory path under <paramref name="root"/> (as <see cref="ScopedPath"/>
    /// resolves), refusing any component that is not a directory now.
    /// </summary>
    public static DirectoryHandle Open(string root, string hostPath)
    {
        var relative = System.IO.Path.GetRelativePath(root, hostPath);
        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative))
            throw new IOException($"{hostPath} is not below {root}");
        var handle = new DirectoryHandle(OpenDirectory(root, root));
        foreach (var component in relative.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != "."))
        {
            using var parent = handle;
            handle = parent.OpenChild(component);
        }
        return handle;
    }

    /// <summary>The path of <paramref name="name"/> in this directory, for calls that do not follow a final symlink.</summary>
    public string PathOf(string name) => Path + "/" + name;

    /// <summary>Opens the child directory <paramref name="name"/>; a symlink or anything else is refused.</summary>
    public DirectoryHandle OpenChild(string name) => new(OpenDirectory(PathOf(name), name));

    /// <summary>chmod of <paramref name="name"/> without following it, through an O_PATH descriptor (a symlink's mode is not set).</summary>
    public void Chmod(string name, uint mode)
    {
        var fd = Libc.open(PathOf(name), Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw new SyscallException($"open {name}", Libc.Errno);
        try
        {
            if (Libc.chmod($"/proc/self/fd/{fd}", mode) != 0) throw new SyscallException($"chmod {name}", Libc.Errno);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static int OpenDirectory(string path, string name)
    {
        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw new SyscallException($"open directory {name}", Libc.Errno);
        return fd;
    }

    public void Dispose() => Libc.close(_fd);
}
