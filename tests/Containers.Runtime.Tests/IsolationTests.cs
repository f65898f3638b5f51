using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>What a process sees from inside a container built by the runtime (busybox, runc's default spec).</summary>
public sealed class IsolationTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void ProcessIsPid1AndHostProcessesAreInvisible()
    {
        var b = f.Bundle("sh", "-c", "echo pid=$$; ls /proc | grep -c '^[0-9]'");
        var r = f.Run(b);
        Assert.Equal(0, r.Exit.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("pid=1", lines[0]);
        // sh, ls and grep at most: none of the host's hundreds of processes.
        Assert.InRange(int.Parse(lines[1]), 1, 3);
    }

    [Fact]
    public void HostnameAndDomainnameAreSet()
    {
        var b = f.Bundle("sh", "-c", "hostname; cat /proc/sys/kernel/domainname");
        b.Spec.Hostname = "box1";
        b.Spec.Domainname = "example.test";
        b.Save();
        var r = f.Run(b);
        Assert.Equal("box1\nexample.test\n", r.Stdout);
    }

    [Fact]
    public void SpecMountsArePresentWithTheirTypesAndOptions()
    {
        var r = f.Run(f.Bundle("cat", "/proc/self/mounts"));
        Assert.Equal(0, r.Exit.ExitCode);
        var mounts = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        string[] Find(string target) => mounts.Last(m => m[1] == target);
        Assert.Equal("proc", Find("/proc")[2]);
        Assert.Equal("tmpfs", Find("/dev")[2]);
        Assert.Equal("devpts", Find("/dev/pts")[2]);
        Assert.Contains("ptmxmode=666", Find("/dev/pts")[3]);
        Assert.Equal("tmpfs", Find("/dev/shm")[2]);
        Assert.Contains("size=65536k", Find("/dev/shm")[3]);
        Assert.Equal("mqueue", Find("/dev/mqueue")[2]);
        Assert.Equal("sysfs", Find("/sys")[2]);
        Assert.StartsWith("ro,", Find("/sys")[3]);
        Assert.StartsWith("ro,", Find("/")[3]); // root.readonly in runc's default spec
        Assert.StartsWith("ro,", Find("/proc/sys")[3]);
        Assert.Contains(mounts, m => m[1].StartsWith("/sys/fs/cgroup/"));
    }

    [Fact]
    public void DefaultDeviceNodesAndSymlinksExist()
    {
        var r = f.Run(f.Bundle("sh", "-c", "for d in null zero full tty random urandom; do stat -c '%n %F %t:%T %a' /dev/$d; done; for l in fd ptmx stdout; do readlink /dev/$l; done; head -c 4 /dev/zero | od -An -tx1"));
        Assert.Equal(0, r.Exit.ExitCode);
        Assert.Contains("/dev/null character special file 1:3 666", r.Stdout);
        Assert.Contains("/dev/urandom character special file 1:9 666", r.Stdout);
        Assert.Contains("/dev/tty character special file 5:0 666", r.Stdout);
        Assert.Contains("/proc/self/fd\npts/ptmx\n/proc/self/fd/1\n", r.Stdout);
        Assert.Contains("00 00 00 00", r.Stdout);
    }

    [Fact]
    public void MaskedPathsAreEmptyAndReadonlyPathsRefuseWrites()
    {
        var r = f.Run(f.Bundle("sh", "-c", "wc -c < /proc/keys; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/ns_last_pid && echo wrote || echo refused"));
        Assert.Equal(0, r.Exit.ExitCode);
        Assert.Equal("0\n0\nrefused\n", r.Stdout);
    }

    [Fact]
    public void MountUnshareAndModuleLoadingAreRefused()
    {
        var r = f.Run(f.Bundle("sh", "-c",
            "mount -t tmpfs none /tmp && echo mounted || echo no-mount; unshare -m true && echo unshared || echo no-unshare; " +
            "insmod /nonexistent.ko; grep CapBnd /proc/self/status"));
        Assert.Contains("no-mount", r.Stdout);
        Assert.Contains("no-unshare", r.Stdout);
        // CAP_SYS_MODULE (bit 16) is outside the bounding set: no way to ever load a module.
        ulong bnd = Convert.ToUInt64(r.Stdout.Split('\n').First(l => l.StartsWith("CapBnd")).Split('\t')[1], 16);
        Assert.Equal(0UL, bnd & (1UL << 16));
    }

    [Fact]
    public void CapabilitiesAreExactlyTheConfiguredSets()
    {
        var b = f.Bundle("grep", "^Cap", "/proc/self/status");
        var caps = Security.Capabilities.DockerDefault.ToList();
        b.Spec.Process!.Capabilities = new CapabilitiesSpec { Bounding = caps, Effective = caps, Permitted = caps };
        b.Save();
        var r = f.Run(b);
        ulong expected = caps.Aggregate(0UL, (m, c) => m | (1UL << Array.IndexOf(Security.Capabilities.Names, c)));
        var values = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(':')[0], l => Convert.ToUInt64(l.Split('\t')[1], 16));
        Assert.Equal(expected, values["CapEff"]);
        Assert.Equal(expected, values["CapPrm"]);
        Assert.Equal(expected, values["CapBnd"]);
        Assert.Equal(0UL, values["CapInh"]);
        Assert.Equal(0xa80425fbUL, expected); // Docker's well-known default mask
    }

    [Fact]
    public void UserAndAdditionalGroupsAreApplied()
    {
        var b = f.Bundle("sh", "-c", "id; grep -E '^(Uid|Gid|Groups|CapEff)' /proc/self/status");
        b.Spec.Process!.User = new UserSpec { Uid = 1000, Gid = 1000, AdditionalGids = [50, 44] };
        b.Save();
        var r = f.Run(b);
        Assert.Contains("uid=1000(alice) gid=1000(alice) groups=44(video),50(staff)", r.Stdout);
        Assert.Contains("Groups:\t44 50", r.Stdout);
        // As under runc: a non-root user keeps no effective capability, runc's spec lists ambient ones but no inheritable set.
        Assert.Contains("CapEff:\t0000000000000000", r.Stdout);
    }

    [Fact]
    public void EnvironmentCwdAndArgsAreTheSpecs()
    {
        var b = f.Bundle("sh", "-c", "echo \"$FOO|$(pwd)|$0|$1\"", "zero", "one");
        b.Spec.Process!.Env = ["PATH=/bin", "FOO=bar baz"];
        b.Spec.Process.Cwd = "/tmp";
        b.Save();
        Assert.Equal("bar baz|/tmp|zero|one\n", f.Run(b).Stdout);
    }

    [Fact]
    public void CgroupNamespaceIsRootedAtTheContainersCgroup()
    {
        var b = f.Bundle("cat", "/proc/self/cgroup");
        b.Spec.Linux!.Namespaces!.Add(new NamespaceSpec { Type = "cgroup" });
        b.Save();
        var lines = f.Run(b).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var controllers = lines.Where(l => l.Contains(":pids:") || l.Contains(":memory:") || l.Contains(":cpu:")).ToList();
        Assert.Equal(3, controllers.Count);
        Assert.All(controllers, l => Assert.EndsWith(":/", l)); // on the host they are /containers-runtime/ID
    }

    [Fact]
    public void NetworkNamespaceHasOnlyLoopbackAndItIsUp()
    {
        var r = f.Run(f.Bundle("sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags"));
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("lo", lines[0]);
        Assert.Equal("0x9", lines[^1]); // IFF_UP | IFF_LOOPBACK
    }
}
