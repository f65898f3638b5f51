using static Containers.Interop.Libc;

namespace Containers.Shared;

/// <summary>
/// Crash-safe file replacement, the one commit path of every store (engine, images, snapshots, runtime state): write a
/// temp file beside the target, fsync it, rename it over the target, fsync the directory. Readers, and a restart after
/// SIGKILL or power loss, see the old content or the new, never a part. Compiled into each project that writes state.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray(); // a span cannot be captured by the callback; these are small records
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>As <see cref="WriteAllBytes"/>, for content serialized straight to the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            Commit(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Moves an already-fsynced file into place (creating the directory) and makes the rename durable.</summary>
    public static void Commit(string tempPath, string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        File.Move(tempPath, path, overwrite: true);
        FsyncDirectory(dir);
    }

    /// <summary>Makes a rename, create or unlink in <paramref name="dir"/> durable (POSIX: the entry lives in the directory).</summary>
    public static void FsyncDirectory(string dir)
    {
        // .NET refuses to open a directory as a file, so this goes through open(2) directly.
        int fd = Check(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), $"open directory {dir}");
        try { Check(fsync(fd), $"fsync directory {dir}"); }
        finally { close(fd); }
    }

    // Hidden and unique, in the target's directory (so the rename never crosses a filesystem) and never
    // shared by two writers; the directory is created if missing.
    private static string TempPathFor(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
    }
}
