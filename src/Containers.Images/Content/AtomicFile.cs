namespace Containers.Images.Content;

/// <summary>Crash-safe file replacement: write a temp file, fsync it, rename over the target, fsync the directory.</summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> data)
    {
        string dir = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        string tmp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(data);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        FsyncDirectory(dir);
    }

    /// <summary>Moves an already-fsynced file into place and makes the rename durable.</summary>
    public static void Commit(string tempPath, string path)
    {
        string dir = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        File.Move(tempPath, path, overwrite: true);
        FsyncDirectory(dir);
    }

    public static void FsyncDirectory(string dir)
    {
        // fsync of the directory makes the rename itself durable (POSIX).
        Native.FsyncDirectory(dir);
    }
}
