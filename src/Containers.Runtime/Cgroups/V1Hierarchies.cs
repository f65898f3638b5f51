namespace Containers.Runtime.Cgroups;

/// <summary>A mounted cgroup hierarchy as /proc/self/mountinfo lists it.</summary>
public sealed record CgroupHierarchy(string MountPoint, string[] Controllers, string MountData, bool IsUnified)
{
    public string Name => Path.GetFileName(MountPoint);
}

public static class V1Hierarchies
{
    /// <summary>Every cgroup (v1) and cgroup2 mount under /sys/fs/cgroup.</summary>
    public static List<CgroupHierarchy> Mounted()
    {
        var result = new List<CgroupHierarchy>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            string[] left = line[..dash].Split(' ');
            string[] right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            string mountPoint = left[4].Replace("\\040", " ");
            if (!mountPoint.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal)) continue;
            if (result.Any(h => h.MountPoint == mountPoint)) continue;
            if (right[0] == "cgroup2") { result.Add(new CgroupHierarchy(mountPoint, [], "", true)); continue; }
            if (right[0] != "cgroup") continue;
            var opts = right[2].Split(',').Where(o => o is not ("rw" or "ro" or "xattr" or "clone_children") && !o.StartsWith("release_agent=")).ToArray();
            string[] controllers = opts.Where(o => !o.Contains('=')).ToArray();
            result.Add(new CgroupHierarchy(mountPoint, controllers, string.Join(',', opts), false));
        }
        return result;
    }
}
