using System.Runtime.InteropServices;

namespace Containers.Engine.Host;

/// <summary>Facts about the host the engine runs on, read once from the kernel and /etc.</summary>
public sealed class HostFacts
{
    public string KernelVersion { get; }
    public string Hostname { get; }
    public string Architecture { get; }
    public string OperatingSystem { get; }
    public string OsVersion { get; }
    public long MemoryBytes { get; }
    public int Cpus { get; } = Environment.ProcessorCount;

    /// <summary>"2" on a pure unified host, "1" on a v1 or hybrid host (where the v1 controllers do the work).</summary>
    public string CgroupVersion { get; }

    public bool HasMemoryController { get; }
    public bool HasCpuController { get; }
    public bool HasCpusetController { get; }
    public bool HasPidsController { get; }

    public HostFacts()
    {
        var uts = Interop.Libc.Uname();
        KernelVersion = uts.Release;
        Hostname = uts.NodeName;
        Architecture = uts.Machine.Length > 0 ? uts.Machine : RuntimeInformation.OSArchitecture.ToString();
        var osRelease = ReadKeyValues("/etc/os-release");
        OperatingSystem = osRelease.GetValueOrDefault("PRETTY_NAME", "Linux");
        OsVersion = osRelease.GetValueOrDefault("VERSION_ID", "");
        MemoryBytes = ReadMemTotal();

        var unified = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        CgroupVersion = unified ? "2" : "1";
        var v2Controllers = unified ? File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Split(' ', StringSplitOptions.TrimEntries) : [];
        bool Has(string controller) => unified ? v2Controllers.Contains(controller) : Directory.Exists($"/sys/fs/cgroup/{controller}");
        HasMemoryController = Has("memory");
        HasCpuController = Has("cpu");
        HasCpusetController = Has("cpuset");
        HasPidsController = Has("pids");
    }

    public static bool IPv4Forwarding =>
        File.Exists("/proc/sys/net/ipv4/ip_forward") && File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() == "1";

    private static Dictionary<string, string> ReadKeyValues(string path)
    {
        var values = new Dictionary<string, string>();
        if (!File.Exists(path)) return values;
        foreach (var line in File.ReadLines(path))
        {
            var eq = line.IndexOf('=');
            if (eq > 0) values[line[..eq]] = line[(eq + 1)..].Trim('"');
        }
        return values;
    }

    internal static long ReadMemTotal()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
            return long.Parse(kb) * 1024;
        }
        return 0;
    }
}
