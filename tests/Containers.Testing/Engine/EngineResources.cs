using System.Globalization;

namespace Containers.Testing;

/// <summary>
/// What an engine's containers hold on the host, counted from /proc and /sys: the overlay mounts under the engine's
/// directory, the containers' cgroups, the shims (containers-runtime shim/reap) with the engine's exec root, and
/// zombies nobody reaped. Tests compare these before and after to prove nothing leaked.
/// </summary>
public static class EngineResources
{
    /// <summary>Mount points under <paramref name="directory"/> (an engine's data and exec roots): the containers' rootfs overlays.</summary>
    public static int Mounts(string directory) => File.ReadLines("/proc/self/mountinfo")
        .Count(line => line.Split(' ') is { Length: > 4 } f && f[4].StartsWith(directory, StringComparison.Ordinal));

    /// <summary>The cgroup directories named after any of these containers, in any hierarchy (one each under cgroup v1).</summary>
    public static List<string> CgroupsOf(IReadOnlyCollection<string> ids) => Directory
        .EnumerateDirectories("/sys/fs/cgroup", "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3, IgnoreInaccessible = true })
        .Where(dir => ids.Contains(Path.GetFileName(dir))).ToList();

    /// <summary>The PIDs of the shims under <paramref name="execRoot"/>, of these containers when given.</summary>
    public static List<int> Shims(string execRoot, IReadOnlyCollection<string>? ids = null) => Processes()
        .Where(p => p.Args is ["containers-runtime", "shim" or "reap", var root, var id, ..]
            && root.StartsWith(execRoot, StringComparison.Ordinal) && (ids is null || ids.Contains(id)))
        .Select(p => p.Pid).ToList();

    /// <summary>Zombies whose parent is the engine or one of its shims (nobody reaped them).</summary>
    public static List<int> Zombies(int enginePid, string execRoot)
    {
        var parents = Shims(execRoot).Append(enginePid).ToHashSet();
        return Processes().Where(p => p.State == 'Z' && parents.Contains(p.Parent)).Select(p => p.Pid).ToList();
    }

    /// <summary>Waits (at most 10 s) for zombies to be reaped: a shim's exit is reaped a moment after it ends.</summary>
    public static async Task<List<int>> SettledZombiesAsync(int enginePid, string execRoot)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Zombies(enginePid, execRoot).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        return Zombies(enginePid, execRoot);
    }

    /// <summary>Whether a process with this PID exists and has not ended (a zombie counts as ended).</summary>
    public static bool IsAlive(int pid) => Processes().Any(p => p.Pid == pid && p.State != 'Z' && p.State != 'X');

    public sealed record ProcessEntry(int Pid, char State, int Parent, string[] Args);

    public static List<ProcessEntry> Processes()
    {
        var list = new List<ProcessEntry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // stat: "pid (comm) S ppid ...", comm may hold spaces and parentheses: fields follow the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                list.Add(new ProcessEntry(pid, fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), args));
            }
            catch (IOException) { } // it ended while we looked
        }
        return list;
    }
}
