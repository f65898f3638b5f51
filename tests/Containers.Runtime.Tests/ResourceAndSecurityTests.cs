using Containers.Runtime.Security;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>cgroup limits, rlimits and seccomp, observed from inside real containers.</summary>
public sealed class ResourceAndSecurityTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void MemoryHogIsOomKilledAndReported()
    {
        // dd allocates a 256 MiB block buffer and fills it from /dev/zero: far above the 32 MiB limit.
        var b = f.Bundle("dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");
        b.Spec.Linux!.Resources = new ResourcesSpec { Memory = new MemorySpec { Limit = 32 << 20, Swap = 32 << 20 } };
        b.Save();
        var r = f.Run(b);
        Assert.Equal(137, r.Exit.ExitCode);
        Assert.Equal(9, r.Exit.Signal);
        Assert.True(r.Exit.OomKilled);

        var ok = f.Bundle("true");
        ok.Spec.Linux!.Resources = new ResourcesSpec { Memory = new MemorySpec { Limit = 32 << 20 } };
        ok.Save();
        Assert.False(f.Run(ok).Exit.OomKilled);
    }

    [Fact]
    public void StatsReportMemoryCpuAndPidsOfTheContainer()
    {
        // Burns some CPU, holds ~20 MiB in a tmpfs file (charged to the container's memory cgroup), then waits.
        var b = f.Bundle("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; dd if=/dev/zero of=/dev/shm/fill bs=1M count=20 2>/dev/null; echo ready; sleep 1000; true");
        b.Spec.Linux!.Resources = new ResourcesSpec { Memory = new MemorySpec { Limit = 256 << 20 }, Pids = new PidsSpec { Limit = 50 } };
        b.Save();
        var (id, outPath, _) = f.Create(b);
        f.Runtime.Start(id);
        RuntimeFixture.WaitForText(outPath, "ready");
        var stats = f.Runtime.Stats(id);
        Assert.InRange(stats.Memory.Usage, 20UL << 20, 256UL << 20);
        Assert.Equal(256UL << 20, stats.Memory.Limit);
        Assert.True(stats.Memory.Stat.ContainsKey(stats.Unified ? "inactive_file" : "total_inactive_file"));
        Assert.True(stats.Cpu.TotalNanos > 0);
        Assert.True(stats.Cpu.UserNanos + stats.Cpu.KernelNanos > 0);
        Assert.Equal(2UL, stats.Pids); // sh and sleep
        Assert.Equal(50UL, stats.PidsLimit);
        Assert.Equal(2, f.Runtime.Pids(id).Count);
    }

    [Fact]
    public void ForkBombStopsAtThePidsLimit()
    {
        // The bomb runs in a child shell (busybox sh exits when fork fails); the outer one reads with builtins only.
        var b = f.Bundle("sh", "-c", "sh -c 'for i in $(seq 1 40); do sleep 30 & done' 2>/dev/null; echo forked=$?; " +
            "read n < /sys/fs/cgroup/pids/pids.current; read m < /sys/fs/cgroup/pids/pids.max; echo $n; echo $m; kill -9 -1");
        b.Spec.Linux!.Resources = new ResourcesSpec { Pids = new PidsSpec { Limit = 10 } };
        b.Spec.Linux.Namespaces!.Add(new NamespaceSpec { Type = "cgroup" }); // so /sys/fs/cgroup/pids is the container's own cgroup
        b.Save();
        var r = f.Run(b);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("forked=2", lines[0]); // the bomb's shell died on "can't fork"
        Assert.InRange(int.Parse(lines[1]), 2, 10); // the container's cgroup view: at most the limit, never 41
        Assert.Equal("10", lines[2]);
    }

    [Fact]
    public void CpuAndCpusetLimitsAreWrittenToTheContainersCgroup()
    {
        var b = f.Bundle("sh", "-c", "cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpuset/cpuset.cpus; grep Cpus_allowed_list /proc/self/status");
        b.Spec.Linux!.Resources = new ResourcesSpec { Cpu = new CpuSpec { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0" } };
        b.Spec.Linux.Namespaces!.Add(new NamespaceSpec { Type = "cgroup" });
        b.Save();
        var r = f.Run(b);
        Assert.Equal("512\n50000\n100000\n0\nCpus_allowed_list:\t0\n", r.Stdout);
    }

    [Fact]
    public void RlimitsAreAppliedAndImpossibleOnesClampedWithAWarning()
    {
        var b = f.Bundle("sh", "-c", "ulimit -n; ulimit -Hn; ulimit -u");
        b.Spec.Process!.Rlimits = [new() { Type = "RLIMIT_NOFILE", Soft = 512, Hard = 768 }, new() { Type = "RLIMIT_NPROC", Soft = 300, Hard = 300 }];
        b.Save();
        Assert.Equal("512\n768\n300\n", f.Run(b).Stdout);

        // Above fs.nr_open no process may go (runc fails "setrlimit: operation not permitted"): we clamp and warn.
        ulong nrOpen = ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim());
        var big = f.Bundle("sh", "-c", "ulimit -Hn");
        big.Spec.Process!.Rlimits = [new() { Type = "RLIMIT_NOFILE", Soft = nrOpen * 4, Hard = nrOpen * 4 }];
        big.Save();
        var r = f.Run(big);
        Assert.Equal(0, r.Exit.ExitCode);
        Assert.InRange(ulong.Parse(r.Stdout.Trim()), 1UL, nrOpen);
        Assert.Contains(f.Warnings, w => w.Contains("RLIMIT_NOFILE") && w.Contains("clamped"));
        var runc = f.Exec("runc", "--root", Path.Combine(f.Root, "runc-state"), "run", "--bundle", big.Dir, f.NewId("runc"));
        Assert.NotEqual(0, runc.ExitCode); // the independent peer fails on the very same bundle
    }

    [Fact]
    public void DockerSeccompProfileBlocksUnshareEvenWithCapSysAdmin()
    {
        // The container holds CAP_SYS_ADMIN, but the profile is the one Docker generates for its default capability set:
        // only seccomp can be what refuses unshare and mount here.
        var b = f.Bundle("sh", "-c", "unshare -m true && echo unshared || echo no-unshare; mount -t tmpfs none /tmp && echo mounted || echo no-mount; ls / > /dev/null && echo ls-ok");
        var caps = Capabilities.DockerDefault.Append("CAP_SYS_ADMIN").ToList();
        b.Spec.Process!.Capabilities = new CapabilitiesSpec { Bounding = caps, Effective = caps, Permitted = caps };
        b.Spec.Linux!.Seccomp = DockerSeccompProfile.Create(Capabilities.DockerDefault);
        b.Save();
        Assert.Equal("no-unshare\nno-mount\nls-ok\n", f.Run(b).Stdout);

        // Same container without the filter: CAP_SYS_ADMIN makes both work, so the filter made the difference.
        b.Spec.Linux.Seccomp = DockerSeccompProfile.Create(caps);
        b.Save();
        Assert.Equal("unshared\nmounted\nls-ok\n", f.Run(b).Stdout);
    }

    [Fact]
    public void SeccompRuleWithErrnoAndArgumentConditionIsEnforced()
    {
        // kill allowed unless the signal (argument 1) is SIGUSR1: that one call gets EACCES.
        var b = f.Bundle("sh", "-c", "kill -0 $$ && echo zero-ok; kill -USR1 $$ 2>&1 || true");
        b.Spec.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new() { Names = ["kill"], Action = "SCMP_ACT_ERRNO", ErrnoRet = 13, Args = [new() { Index = 1, Value = 10, Op = "SCMP_CMP_EQ" }] }],
        };
        b.Save();
        var r = f.Run(b);
        Assert.StartsWith("zero-ok\n", r.Stdout);
        Assert.Contains("Permission denied", r.Stdout);
    }

    [Fact]
    public void NoNewPrivilegesAndOomScoreAdjAreApplied()
    {
        var b = f.Bundle("sh", "-c", "grep NoNewPrivs /proc/self/status; cat /proc/self/oom_score_adj");
        b.Spec.Process!.OomScoreAdj = 123;
        b.Save();
        Assert.Equal("NoNewPrivs:\t1\n123\n", f.Run(b).Stdout);
    }

    [Fact]
    public void SysctlsAreWrittenInTheContainersNamespaces()
    {
        var b = f.Bundle("cat", "/proc/sys/net/ipv4/ip_default_ttl");
        b.Spec.Linux!.Sysctl = new() { ["net.ipv4.ip_default_ttl"] = "42" };
        b.Save();
        Assert.Equal("42\n", f.Run(b).Stdout);
        Assert.NotEqual("42", File.ReadAllText("/proc/sys/net/ipv4/ip_default_ttl").Trim());
    }
}
