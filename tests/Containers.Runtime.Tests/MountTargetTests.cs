using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>
/// Where the spec's mounts land: always inside the rootfs, whatever symlinks the image has on the way (resolved in
/// scope, as after chroot), and how read-only a read-only bind is: "rro" for every submount, plain "ro" for its top.
/// </summary>
public sealed class MountTargetTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    private readonly TempDirectory host = new();
    public void Dispose()
    {
        f.Dispose();
        host.Dispose();
    }

    /// <summary>A host directory to bind, holding marker = "from-source".</summary>
    private string Source()
    {
        string source = host.Sub("source");
        File.WriteAllText(Path.Combine(source, "marker"), "from-source");
        return source;
    }

    private static void AddMount(TestBundle b, string destination, string source, params string[] options)
    {
        b.Spec.Mounts!.Add(new MountSpec { Destination = destination, Type = "bind", Source = source, Options = ["rbind", .. options] });
        b.Save();
    }

    [Theory]
    [InlineData("absolute")] // /data -> /tmp/ce-test-.../absent: a host path that does not exist
    [InlineData("dotdot")]   // /data -> ../../../../../../../../tmp/ce-test-.../absent
    public void ASymlinkedTargetIsResolvedInsideTheRootfsAndTheHostPathIsUntouched(string kind)
    {
        string absent = Path.Combine(host.Path, "absent");
        var b = f.Bundle("sh", "-c", $"cat /data/marker; echo; cat {absent}/marker");
        string link = kind == "absolute" ? absent : "../../../../../../../.." + absent;
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "data"), link);
        AddMount(b, "/data", Source());

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        Assert.Equal("from-source\nfrom-source", r.Stdout);
        Assert.False(Path.Exists(absent)); // nothing was created on the host's side of the link
        Assert.True(Directory.Exists(b.Rootfs + absent)); // the mount point was made inside the rootfs
    }

    [Fact]
    public void AMountBelowASymlinkToSlashStaysInTheRootfs()
    {
        string name = "ce-escape-" + Guid.NewGuid().ToString("N")[..8];
        var b = f.Bundle("cat", $"/{name}/marker");
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "data"), "/");
        AddMount(b, $"/data/{name}", Source());

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        Assert.Equal("from-source", r.Stdout);
        Assert.False(Path.Exists("/" + name)); // the host's own / got no directory
        Assert.True(Directory.Exists(Path.Combine(b.Rootfs, name)));
    }

    [Fact]
    public void ALinkThroughAProcMagicLinkIsRefused()
    {
        // /proc is mounted (first) by then and the init's own root is still the host's: /proc/self/root leads to it.
        string victim = host.Sub("victim");
        var b = f.Bundle("true");
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "data"), "/proc/self/root" + victim);
        AddMount(b, "/data/x", Source());

        var e = Assert.Throws<Launch.ContainerStartException>(() => f.Run(b));

        Assert.Contains("open /data/x in the container's root (a symlink loop, or a link through a /proc magic link", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(victim));
    }

    [Fact]
    public void DanglingSymlinksOnTheWayAreFollowedInScopeAndTheirTargetsCreated()
    {
        var b = f.Bundle("cat", "/missing/deeper/marker");
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "data"), "/missing/link");
        Directory.CreateDirectory(Path.Combine(b.Rootfs, "missing"));
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "missing", "link"), "../missing/deeper");
        AddMount(b, "/data", Source());

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        Assert.Equal("from-source", r.Stdout);
        Assert.True(Directory.Exists(Path.Combine(b.Rootfs, "missing", "deeper")));
    }

    [Fact]
    public void AFileBindGetsAFileMountPointInsideTheRootfsEvenThroughALinkToAHostFile()
    {
        string config = Path.Combine(host.Path, "app.conf"), hostFile = Path.Combine(host.Path, "host-owned");
        File.WriteAllText(config, "cfg");
        File.WriteAllText(hostFile, "host");
        var b = f.Bundle("sh", "-c", "cat /etc/app/app.conf /etc/link.conf; stat -c %F /etc/app/app.conf");
        File.CreateSymbolicLink(Path.Combine(b.Rootfs, "etc", "link.conf"), hostFile);
        AddMount(b, "/etc/app/app.conf", config);
        AddMount(b, "/etc/link.conf", config);

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        Assert.Equal("cfgcfgregular file\n", r.Stdout);
        Assert.Equal("host", File.ReadAllText(hostFile));
        Assert.True(File.Exists(b.Rootfs + hostFile)); // the link's target, made inside the rootfs as an empty file
        Assert.Equal(0, new FileInfo(b.Rootfs + hostFile).Length);
    }

    /// <summary>"rro" makes every submount of the bind read-only; plain "ro" its top only, as runc does (a remount never recurses).</summary>
    [Theory]
    [InlineData("rro", "touch: /data/sub/new: Read-only file system")]
    [InlineData("ro", "sub-written")]
    public void ReadOnlyBindsAndTheirSubmounts(string option, string subWrite)
    {
        using var volume = new HostDirectoryWithSubmount();
        var b = f.Bundle("sh", "-c", "cat /data/top.txt /data/sub/inner.txt; echo; " +
            "touch /data/new 2>&1 || true; touch /data/sub/new 2>&1 && echo sub-written || true");
        AddMount(b, "/data", volume.Path, option);

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        Assert.Equal($"topinner\ntouch: /data/new: Read-only file system\n{subWrite}\n", r.Stdout);
        Assert.False(File.Exists(Path.Combine(volume.Path, "new")));
        Assert.Equal(option == "ro", File.Exists(Path.Combine(volume.Path, "sub", "new")));
    }

    [Fact]
    public void RecursiveOptionsApplyToEverySubmount()
    {
        using var volume = new HostDirectoryWithSubmount();
        var b = f.Bundle("sh", "-c", "grep ' /data' /proc/self/mounts | cut -d' ' -f2,4");
        AddMount(b, "/data", volume.Path, "rnosuid", "rnoexec");

        var r = f.Run(b);

        Assert.True(r.Exit.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        Assert.Equal(["/data", "/data/sub"], lines.Select(l => l[0]));
        Assert.All(lines, l => Assert.Contains("nosuid", l[1].Split(',')));
        Assert.All(lines, l => Assert.Contains("noexec", l[1].Split(',')));
        Assert.All(lines, l => Assert.Contains("rw", l[1].Split(',')));
    }
}
