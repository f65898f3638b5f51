using Containers.Runtime.Spec;

namespace Containers.Runtime.Cgroups;

/// <summary>
/// One container's cgroup: created before the init runs, joined by the init's PID before it does anything else,
/// removed on delete. <see cref="For"/> picks v1 (per-controller hierarchies, e.g. this hybrid host) or v2 (unified).
/// </summary>
public abstract class CgroupManager(string path)
{
    /// <summary>Path below each hierarchy's root, e.g. "/containers-runtime/ID".</summary>
    public string Path { get; } = path;

    /// <summary>A pure cgroup v2 host: the unified hierarchy is mounted at /sys/fs/cgroup itself.</summary>
    public static bool IsUnifiedHost => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    public static CgroupManager For(string path)
    {
        if (!path.StartsWith('/')) throw new InvalidSpecException($"cgroupsPath '{path}' must be absolute (systemd slice syntax is not supported)");
        if (path.Split('/').Contains("..")) throw new InvalidSpecException($"cgroupsPath '{path}' must not contain '..'");
        return IsUnifiedHost ? new CgroupV2(path) : new CgroupV1(path);
    }

    /// <summary>The default when the spec names no cgroupsPath.</summary>
    public static string DefaultPath(string id) => "/containers-runtime/" + id;

    public abstract void Create(ResourcesSpec? resources, Action<string> warn);

    /// <summary>
    /// Writes the limits <paramref name="resources"/> sets (at creation, and later as runc update does) and leaves the
    /// others as they are; a limit the kernel cannot enforce here is a warning.
    /// </summary>
    public abstract void Apply(ResourcesSpec resources, Action<string> warn);
    public abstract void AddProcess(int pid);
    public abstract void Freeze();
    public abstract void Thaw();
    public abstract bool IsFrozen();
    public abstract bool OomKilled();
    public abstract CgroupStats Stats();
    public abstract List<int> Pids();
    /// <summary>Removes the cgroup directories; retries while the kernel still counts exiting tasks.</summary>
    public abstract void Destroy();

    protected static void Write(string file, string value)
    {
        try { File.WriteAllText(file, value); }
        catch (IOException e) { throw new IOException($"cgroup: writing '{value}' to {file}: {e.Message}", e); }
    }

    protected static List<int> ReadPids(string file) =>
        File.Exists(file) ? File.ReadLines(file).Select(l => int.TryParse(l, out int p) ? p : 0).Where(p => p > 0).ToList() : [];

    protected static void RemoveDir(string dir)
    {
        for (int attempt = 0; Directory.Exists(dir); attempt++)
        {
            try { Directory.Delete(dir); return; }
            // The last tasks of a killed container leave the cgroup asynchronously: EBUSY for a few ms.
            catch (IOException) when (attempt < 200) { Thread.Sleep(10); }
        }
    }
}
