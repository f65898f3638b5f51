using Containers.Snapshots;

namespace Containers.Testing;

/// <summary>
/// The one temporary-directory helper of the tests: a fresh directory under /tmp (short, so socket paths inside it fit
/// the 108-byte limit), removed when disposed after unmounting anything a test or an engine left mounted below it.
/// </summary>
public class TempDirectory : IDisposable
{
    public string Path { get; } = Create();

    public static string Create()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ce-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A sub-directory, created.</summary>
    public string Sub(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        // Innermost mounts first (the mount table lists them after their parents).
        foreach (var line in File.ReadAllLines("/proc/self/mounts").Reverse())
        {
            var target = line.Split(' ')[1];
            if (target == path || target.StartsWith(path + "/", StringComparison.Ordinal))
                try { Mounter.Unmount(target); } catch (IOException) { }
        }
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static implicit operator string(TempDirectory d) => d.Path;

    public void Dispose()
    {
        Delete(Path);
        GC.SuppressFinalize(this);
    }
}
