using Containers.Runtime.Spec;

namespace Containers.Runtime.Cgroups;

/// <summary>
/// cgroup v2 (pure unified hosts). The devices allow-list has no file interface on v2 (it needs an eBPF program);
/// this runtime does not attach one yet and warns when the spec carries device rules.
/// </summary>
internal sealed class CgroupV2(string path) : CgroupManager(path)
{
    private const string Root = "/sys/fs/cgroup";
    private string Dir => Root + Path;
    private string F(string name) => System.IO.Path.Combine(Dir, name);

    public override void Create(ResourcesSpec? r, Action<string> warn)
    {
        // Every ancestor must delegate the controllers to its children.
        string current = Root;
        foreach (var part in Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var ctl in new[] { "cpu", "cpuset", "io", "memory", "pids" })
                try { File.WriteAllText(System.IO.Path.Combine(current, "cgroup.subtree_control"), "+" + ctl); } catch (IOException) { /* controller not available here */ }
            current = System.IO.Path.Combine(current, part);
            Directory.CreateDirectory(current);
        }
        if (r is not null) Apply(r, warn);
    }

    public override void Apply(ResourcesSpec r, Action<string> warn)
    {
        if (r.Memory is { } m)
        {
            if (m.Limit is { } limit) Write(F("memory.max"), limit < 0 ? "max" : limit.ToString());
            // The spec's swap is memory+swap (v1 semantics); v2 limits swap alone.
            if (m.Swap is { } swap) Write(F("memory.swap.max"), swap < 0 ? "max" : Math.Max(0, swap - (m.Limit ?? 0)).ToString());
            if (m.Reservation is { } res) Write(F("memory.low"), res.ToString());
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is { } shares) Write(F("cpu.weight"), (1 + ((Math.Clamp(shares, 2UL, 262144UL) - 2) * 9999) / 262142).ToString());
            if (c.Quota is not null || c.Period is not null)
                Write(F("cpu.max"), $"{(c.Quota is { } q && q > 0 ? q.ToString() : "max")} {c.Period ?? 100000}");
            if (!string.IsNullOrEmpty(c.Cpus)) Write(F("cpuset.cpus"), c.Cpus);
            if (!string.IsNullOrEmpty(c.Mems)) Write(F("cpuset.mems"), c.Mems);
        }
        if (r.Pids is { } p) Write(F("pids.max"), p.Limit > 0 ? p.Limit.ToString() : "max");
        if (r.BlockIO?.Weight is { } w) Write(F("io.weight"), (1 + (Math.Clamp((int)w, 10, 1000) - 10) * 9999 / 990).ToString());
        if (r.Devices is { Count: > 0 } && r.Devices.Any(d => d.Allow || d.Type is not (null or "a")))
            warn("device cgroup rules are not enforced on cgroup v2 (no eBPF device program yet)");
    }

    public override void AddProcess(int pid) => Write(F("cgroup.procs"), pid.ToString());

    public override void Freeze()
    {
        Write(F("cgroup.freeze"), "1");
        for (int attempt = 0; CgroupFiles.Keyed(F("cgroup.events")).GetValueOrDefault("frozen") != 1; attempt++)
        {
            if (attempt == 1000) { Thaw(); throw new IOException($"cgroup {Path}: freezing did not complete; the container was thawed"); }
            Thread.Sleep(2);
        }
    }

    public override void Thaw() => Write(F("cgroup.freeze"), "0");
    public override bool IsFrozen() => File.Exists(F("cgroup.freeze")) && File.ReadAllText(F("cgroup.freeze")).Trim() == "1";
    public override bool OomKilled() => CgroupFiles.Keyed(F("memory.events")).GetValueOrDefault("oom_kill") > 0;

    public override CgroupStats Stats()
    {
        var cpu = CgroupFiles.Keyed(F("cpu.stat"));
        return new CgroupStats
        {
            Unified = true,
            Cpu = new CgroupCpu
            {
                TotalNanos = cpu.GetValueOrDefault("usage_usec") * 1000,
                UserNanos = cpu.GetValueOrDefault("user_usec") * 1000,
                KernelNanos = cpu.GetValueOrDefault("system_usec") * 1000,
                Periods = cpu.GetValueOrDefault("nr_periods"),
                ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled"),
                ThrottledNanos = cpu.GetValueOrDefault("throttled_usec") * 1000,
            },
            Memory = new CgroupMemory
            {
                Usage = CgroupFiles.Number(F("memory.current")),
                Limit = CgroupFiles.Limit(F("memory.max"), ulong.MaxValue),
                Failcnt = CgroupFiles.Keyed(F("memory.events")).GetValueOrDefault("oom"),
                Stat = CgroupFiles.Keyed(F("memory.stat")),
            },
            Pids = CgroupFiles.Number(F("pids.current")),
            PidsLimit = CgroupFiles.Limit(F("pids.max"), 0),
            IoServiceBytes = CgroupFiles.IoStatBytes(F("io.stat")),
        };
    }

    public override List<int> Pids() => ReadPids(F("cgroup.procs"));
    public override void Destroy() => RemoveDir(Dir);
}
