using Containers.Runtime.Spec;

namespace Containers.Runtime.Cgroups;

/// <summary>cgroup v1: one directory per controller hierarchy (cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids).</summary>
internal sealed class CgroupV1(string path) : CgroupManager(path)
{
    private static readonly string[] Wanted = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"];

    // Devices every container may use whatever the spec says (runc's list): the nodes we create in /dev, ptys, tun, mknod.
    private static readonly string[] AlwaysAllowed =
        ["c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm"];

    private Dictionary<string, string>? dirs;

    /// <summary>controller → this container's directory in that controller's hierarchy.</summary>
    private Dictionary<string, string> Dirs => dirs ??= V1Hierarchies.Mounted()
        .Where(h => !h.IsUnified)
        .SelectMany(h => h.Controllers.Where(c => Wanted.Contains(c)).Select(c => (c, dir: h.MountPoint + Path)))
        .GroupBy(x => x.c).ToDictionary(g => g.Key, g => g.First().dir);

    private string Dir(string controller) =>
        Dirs.TryGetValue(controller, out var d) ? d : throw new InvalidOperationException($"cgroup v1 controller '{controller}' is not mounted");

    public override void Create(ResourcesSpec? r, Action<string> warn)
    {
        foreach (var (controller, dir) in Dirs)
        {
            if (controller == "cpuset") CreateCpuset(dir);
            else Directory.CreateDirectory(dir);
        }
        if (r is not null) Apply(r, warn);
    }

    public override void Apply(ResourcesSpec r, Action<string> warn)
    {
        if (r.Memory is { } m)
        {
            string mem = Dir("memory");
            bool hasSwapFile = File.Exists(System.IO.Path.Combine(mem, "memory.memsw.limit_in_bytes"));
            if (m.Swap is not null && !hasSwapFile) warn("memory swap limit ignored: the kernel has no swap accounting (memory.memsw)");
            // memsw must stay >= limit at every moment: the limit first (lowering it, or raising it under memsw), else
            // memsw first (raising both). Either one alone is written as is (docker update may change just one).
            var writes = new List<(string File, long Value)>();
            if (m.Limit is { } limit) writes.Add((System.IO.Path.Combine(mem, "memory.limit_in_bytes"), limit));
            if (m.Swap is { } swap && hasSwapFile) writes.Add((System.IO.Path.Combine(mem, "memory.memsw.limit_in_bytes"), swap));
            try { foreach (var (file, value) in writes) Write(file, value.ToString()); }
            catch (IOException) when (writes.Count == 2)
            {
                for (int i = writes.Count - 1; i >= 0; i--) Write(writes[i].File, writes[i].Value.ToString());
            }
            if (m.Reservation is { } res) Write(System.IO.Path.Combine(mem, "memory.soft_limit_in_bytes"), res.ToString());
            if (m.Swappiness is { } sw && sw <= 100) Write(System.IO.Path.Combine(mem, "memory.swappiness"), sw.ToString());
            if (m.DisableOOMKiller == true) Write(System.IO.Path.Combine(mem, "memory.oom_control"), "1");
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is { } shares) Write(System.IO.Path.Combine(Dir("cpu"), "cpu.shares"), shares.ToString());
            if (c.Period is { } period) Write(System.IO.Path.Combine(Dir("cpu"), "cpu.cfs_period_us"), period.ToString());
            if (c.Quota is { } quota) Write(System.IO.Path.Combine(Dir("cpu"), "cpu.cfs_quota_us"), quota.ToString());
            if (!string.IsNullOrEmpty(c.Cpus)) Write(System.IO.Path.Combine(Dir("cpuset"), "cpuset.cpus"), c.Cpus);
            if (!string.IsNullOrEmpty(c.Mems)) Write(System.IO.Path.Combine(Dir("cpuset"), "cpuset.mems"), c.Mems);
        }
        if (r.Pids is { } p) Write(System.IO.Path.Combine(Dir("pids"), "pids.max"), p.Limit > 0 ? p.Limit.ToString() : "max");
        if (r.BlockIO?.Weight is { } w)
        {
            string file = System.IO.Path.Combine(Dir("blkio"), "blkio.weight");
            if (!File.Exists(file)) file = System.IO.Path.Combine(Dir("blkio"), "blkio.bfq.weight");
            if (File.Exists(file)) Write(file, w.ToString());
            else warn("blkio weight ignored: the I/O scheduler exposes no blkio.weight");
        }
        if (r.Devices is { Count: > 0 } rules)
        {
            string dev = Dir("devices");
            foreach (var rule in rules)
            {
                string entry = DeviceEntry(rule);
                Write(System.IO.Path.Combine(dev, rule.Allow ? "devices.allow" : "devices.deny"), entry);
            }
            foreach (var entry in AlwaysAllowed) Write(System.IO.Path.Combine(dev, "devices.allow"), entry);
        }
    }

    private static string DeviceEntry(DeviceCgroupRule rule)
    {
        string type = string.IsNullOrEmpty(rule.Type) ? "a" : rule.Type;
        if (type == "a" && rule.Major is null && rule.Minor is null) return "a";
        string major = rule.Major is { } ma && ma >= 0 ? ma.ToString() : "*";
        string minor = rule.Minor is { } mi && mi >= 0 ? mi.ToString() : "*";
        return $"{type} {major}:{minor} {(string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access)}";
    }

    // A new cpuset cgroup starts with empty cpus/mems and refuses tasks until they are filled in, level by level.
    private void CreateCpuset(string dir)
    {
        string root = Dirs["cpuset"][..^Path.Length];
        string current = root;
        foreach (var part in Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string parent = current;
            current = System.IO.Path.Combine(current, part);
            Directory.CreateDirectory(current);
            foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                string mine = System.IO.Path.Combine(current, f);
                if (File.ReadAllText(mine).Trim().Length == 0) Write(mine, File.ReadAllText(System.IO.Path.Combine(parent, f)).Trim());
            }
        }
    }

    public override void AddProcess(int pid)
    {
        foreach (var dir in Dirs.Values) Write(System.IO.Path.Combine(dir, "cgroup.procs"), pid.ToString());
    }

    public override void Freeze()
    {
        string state = System.IO.Path.Combine(Dir("freezer"), "freezer.state");
        Write(state, "FROZEN");
        // FREEZING → FROZEN happens asynchronously; pause returns only once every task is stopped. A task stuck in
        // an uninterruptible wait never freezes: give up after a while and thaw rather than hang (runc does too).
        for (int attempt = 0; File.ReadAllText(state).Trim() != "FROZEN"; attempt++)
        {
            if (attempt == 1000) { Thaw(); throw new IOException($"cgroup {Path}: freezing did not complete; the container was thawed"); }
            Thread.Sleep(2);
            Write(state, "FROZEN");
        }
    }

    public override void Thaw() => Write(System.IO.Path.Combine(Dir("freezer"), "freezer.state"), "THAWED");

    public override bool IsFrozen() =>
        Dirs.TryGetValue("freezer", out var d) && File.Exists(System.IO.Path.Combine(d, "freezer.state"))
        && File.ReadAllText(System.IO.Path.Combine(d, "freezer.state")).Trim() != "THAWED";

    public override bool OomKilled() =>
        Dirs.TryGetValue("memory", out var d) && CgroupFiles.Keyed(System.IO.Path.Combine(d, "memory.oom_control")).GetValueOrDefault("oom_kill") > 0;

    public override CgroupStats Stats()
    {
        string F(string controller, string file) => System.IO.Path.Combine(Dirs.GetValueOrDefault(controller, "/nonexistent"), file);
        var cpuacct = CgroupFiles.Keyed(F("cpuacct", "cpuacct.stat"));
        var throttling = CgroupFiles.Keyed(F("cpu", "cpu.stat"));
        // The CFQ scheduler's recursive files when it keeps them for this cgroup, else the throttle layer's (containerd's choice).
        var serviceBytes = CgroupFiles.Blkio(F("blkio", "blkio.io_service_bytes_recursive"));
        bool cfq = serviceBytes.Count > 0;
        return new CgroupStats
        {
            Cpu = new CgroupCpu
            {
                TotalNanos = CgroupFiles.Number(F("cpuacct", "cpuacct.usage")),
                PerCpuNanos = CgroupFiles.Numbers(F("cpuacct", "cpuacct.usage_percpu")),
                UserNanos = CgroupFiles.TicksToNanos(cpuacct.GetValueOrDefault("user")),
                KernelNanos = CgroupFiles.TicksToNanos(cpuacct.GetValueOrDefault("system")),
                Periods = throttling.GetValueOrDefault("nr_periods"),
                ThrottledPeriods = throttling.GetValueOrDefault("nr_throttled"),
                ThrottledNanos = throttling.GetValueOrDefault("throttled_time"),
            },
            Memory = new CgroupMemory
            {
                Usage = CgroupFiles.Number(F("memory", "memory.usage_in_bytes")),
                MaxUsage = CgroupFiles.Number(F("memory", "memory.max_usage_in_bytes")),
                Limit = CgroupFiles.Limit(F("memory", "memory.limit_in_bytes"), ulong.MaxValue),
                Failcnt = CgroupFiles.Number(F("memory", "memory.failcnt")),
                Stat = CgroupFiles.Keyed(F("memory", "memory.stat")),
            },
            Pids = CgroupFiles.Number(F("pids", "pids.current")),
            PidsLimit = CgroupFiles.Limit(F("pids", "pids.max"), 0),
            IoServiceBytes = cfq ? serviceBytes : CgroupFiles.Blkio(F("blkio", "blkio.throttle.io_service_bytes_recursive")),
            IoServiced = CgroupFiles.Blkio(F("blkio", cfq ? "blkio.io_serviced_recursive" : "blkio.throttle.io_serviced_recursive")),
        };
    }

    public override List<int> Pids() => ReadPids(System.IO.Path.Combine(Dirs.GetValueOrDefault("pids") ?? Dirs.Values.First(), "cgroup.procs"));

    public override void Destroy()
    {
        foreach (var dir in Dirs.Values) RemoveDir(dir);
    }
}
