using System.Text.Json;

namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// Named volumes and bind mounts through the docker CLI (<c>-v</c> and <c>--mount</c>): data that outlives a container,
/// read-only mounts, inspect's Mounts, a volume in use, Docker's 400s, symlinks in the image, nothing left on the host.
/// </summary>
[Collection(nameof(VolumeMountFixture))]
public sealed class VolumeMountTests(VolumeMountFixture fixture)
{
    private EngineDocker Cli => new(fixture.Engine);
    private string Image => fixture.Image;

    private static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private Task<string> Run(params string[] args) => Cli.Ok(["run", "--rm", "--network", "none", .. args]);

    [Fact]
    public async Task A_named_volume_is_created_on_first_use_and_keeps_what_one_container_wrote_for_the_next()
    {
        var volume = UniqueName("data");
        try
        {
            await Run("-v", volume + ":/data", Image, "sh", "-c", "echo hi > /data/f");
            Assert.Equal(volume, await Cli.Ok("volume", "ls", "-q", "-f", "name=" + volume));
            Assert.Equal("hi", await Run("-v", volume + ":/data", Image, "cat", "/data/f"));
            Assert.Equal("hi", await Run("--mount", $"type=volume,source={volume},target=/other", Image, "cat", "/other/f"));
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
            Assert.Equal("hi\n", File.ReadAllText(Path.Combine(mountpoint, "f")));
            Assert.Contains("Read-only file system", await Cli.Fails("run", "--rm", "--network", "none", "-v", volume + ":/data:ro", Image, "sh", "-c", "echo no > /data/g"));
            Assert.False(File.Exists(Path.Combine(mountpoint, "g")));
        }
        finally { await Cli.Ok("volume", "rm", "-f", volume); }
    }

    [Fact]
    public async Task A_bind_mount_is_seen_both_ways_and_ro_refuses_writes()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        File.WriteAllText(Path.Combine(dir, "from-host"), "host");
        Assert.Equal("host", await Run("-v", dir + ":/src", Image, "sh", "-c", "cat /src/from-host; echo container > /src/from-container"));
        Assert.Equal("container\n", File.ReadAllText(Path.Combine(dir, "from-container")));
        Assert.Equal("host", await Run("--mount", $"type=bind,source={dir},target=/src,readonly", Image, "cat", "/src/from-host"));

        Assert.Contains("Read-only file system", await Cli.Fails("run", "--rm", "--network", "none", "-v", dir + ":/src:ro", Image, "sh", "-c", "echo no > /src/g"));
        Assert.Contains("Read-only file system", await Cli.Fails("run", "--rm", "--network", "none", "--mount", $"type=bind,src={dir},dst=/src,readonly", Image, "sh", "-c", "echo no > /src/g"));
        Assert.False(File.Exists(Path.Combine(dir, "g")));

        // -v creates a missing host directory; --mount refuses it as dockerd does.
        var missing = Path.Combine(dir, "made", "by-v");
        await Run("-v", missing + ":/m", Image, "true");
        Assert.True(Directory.Exists(missing));
        var absent = Path.Combine(dir, "absent");
        Assert.Contains($"invalid mount config for type \"bind\": bind source path does not exist: {absent}",
            await Cli.Fails("run", "--rm", "--mount", $"type=bind,source={absent},target=/m", Image, "true"));
        Assert.False(Path.Exists(absent));
    }

    [Fact]
    public async Task Inspect_and_the_list_show_the_mounts_and_a_volume_in_use_cannot_be_removed()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        var volume = UniqueName("inuse");
        var id = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", "-v", dir + ":/src:ro",
            "--mount", "type=tmpfs,target=/scratch,tmpfs-size=1m,tmpfs-mode=1770", Image, "sleep", "1000");
        try
        {
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
            using var mounts = JsonDocument.Parse(await Cli.Inspect(id, "{{json .Mounts}}"));
            var byDestination = mounts.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("Destination").GetString()!);
            Assert.Equal(3, byDestination.Count);
            var data = byDestination["/data"];
            Assert.Equal(("volume", volume, mountpoint, "local", "z", true, ""), (data.GetProperty("Type").GetString(), data.GetProperty("Name").GetString(),
                data.GetProperty("Source").GetString(), data.GetProperty("Driver").GetString(), data.GetProperty("Mode").GetString(),
                data.GetProperty("RW").GetBoolean(), data.GetProperty("Propagation").GetString()));
            var src = byDestination["/src"];
            Assert.Equal(("bind", dir, "ro", false, "rprivate", false), (src.GetProperty("Type").GetString(), src.GetProperty("Source").GetString(),
                src.GetProperty("Mode").GetString(), src.GetProperty("RW").GetBoolean(), src.GetProperty("Propagation").GetString(), src.TryGetProperty("Name", out _)));
            Assert.Equal("tmpfs", byDestination["/scratch"].GetProperty("Type").GetString());
            // The CLI sends -v binds in Go map order, so the list's order is the CLI's choice: compare as a set.
            var shown = (await Cli.Ok("ps", "--no-trunc", "-f", "id=" + id, "--format", "{{.Mounts}}")).Split(',');
            Assert.Equal(new[] { dir, volume, "" }.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal)); // "": the tmpfs has no source
            Assert.Equal("1", await Cli.Ok("ps", "-f", "id=" + id, "--format", "{{.LocalVolumes}}"));
            Assert.Contains("tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k,mode=1770", await Cli.Ok("exec", id, "cat", "/proc/mounts"));

            Assert.Equal($"Error response from daemon: remove {volume}: volume is in use - [{id}]", await Cli.Fails("volume", "rm", volume));
            Assert.Equal(volume, await Cli.Ok("volume", "ls", "-q", "-f", "dangling=false", "-f", "name=" + volume));
            Assert.Equal("", await Cli.Ok("volume", "ls", "-q", "-f", "dangling=true", "-f", "name=" + volume));
        }
        finally { await Cli.Ok("rm", "-f", id); }
        await Cli.Ok("volume", "rm", volume);
        Assert.Equal("", await Cli.Ok("volume", "ls", "-q", "-f", "name=" + volume));
    }

    [Theory]
    [InlineData("-v", "data:relative", "invalid volume specification: 'data:relative': invalid mount config for type \"volume\": invalid mount path: 'relative' mount path must be absolute")]
    [InlineData("--mount", "type=bind,source=/tmp,target=rel", "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute")]
    [InlineData("-v", "bad@name:/data", "\"bad@name\" includes invalid characters for a local volume name")]
    [InlineData("-v", "/tmp:/data:xyz", "invalid mode: xyz")]
    [InlineData("-v", "data:/", "invalid specification: destination can't be '/'")]
    [InlineData("-v", "/tmp:/data:ro,rw", "invalid mode: rw")]
    public async Task Malformed_mount_specs_are_dockerds_400s(string flag, string spec, string message)
    {
        var error = await Cli.Fails("create", flag, spec, Image, "true");
        Assert.Contains(message, error);
        Assert.DoesNotContain("500", error);
        Assert.Equal("", await Cli.Ok("ps", "-aq"));
    }

    [Theory]
    [InlineData("/mnt/evil")]
    [InlineData("/mnt/up")]
    public async Task A_symlink_in_the_image_never_takes_a_mount_onto_the_host(string link)
    {
        var leaf = UniqueName("escape");
        var volume = UniqueName("evil");
        try
        {
            // The mount resolves inside the container's root: /mnt/evil/LEAF is the container's /LEAF, not the host's.
            Assert.Equal("inside", await Run("-v", $"{volume}:{link}/{leaf}", Image, "sh", "-c", $"echo inside > {link}/{leaf}/f; cat /{leaf}/f"));
            Assert.False(Path.Exists("/" + leaf));
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
            Assert.Equal("inside\n", File.ReadAllText(Path.Combine(mountpoint, "f")));
        }
        finally { await Cli.Ok("volume", "rm", "-f", volume); }
    }

    [Fact]
    public async Task An_empty_volume_gets_the_image_content_it_is_mounted_over_unless_nocopy()
    {
        var (volume, empty) = (UniqueName("copy"), UniqueName("nocopy"));
        try
        {
            var listing = await Run("-v", volume + ":/srv/app", Image, "sh", "-c", "ls -lnd /srv/app /srv/app/config; cat /srv/app/config; echo new > /srv/app/added");
            Assert.Matches(@"^drwxr-x---\s+\d+ 1000\s+1000 .* /srv/app\n-rw-r-----\s+1 1000\s+1000\s+14 .* /srv/app/config\nfrom the image$", listing);
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
            Assert.Equal("from the image", File.ReadAllText(Path.Combine(mountpoint, "config")));
            // Not empty any more: the next container sees the volume as it was left, not the image's copy again.
            File.Delete(Path.Combine(mountpoint, "config"));
            Assert.Equal("added", await Run("-v", volume + ":/srv/app", Image, "ls", "/srv/app"));

            Assert.Equal("", await Run("-v", empty + ":/srv/app:nocopy", Image, "ls", "-A", "/srv/app"));
            Assert.Equal("", await Run("--mount", $"type=volume,source={empty},target=/srv/app,volume-nocopy", Image, "ls", "-A", "/srv/app"));
        }
        finally { await Cli.Ok("volume", "rm", "-f", volume, empty); }
    }

    [Fact]
    public async Task A_restarted_container_keeps_its_mounts()
    {
        var volume = UniqueName("restart");
        var id = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", Image, "sh", "-c", "echo run >> /data/log; exec sleep 1000");
        try
        {
            // Each run appends its line as it starts: wait for the expected content (10s at most), then show the file.
            Task<string> LogOnceItIs(string expected) => Cli.Ok("exec", id, "sh", "-c",
                $"i=0; until [ \"$(cat /data/log)\" = \"$(printf '{expected}')\" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done; cat /data/log");
            Assert.Equal("run", await LogOnceItIs("run"));
            await Cli.Ok("restart", "-t", "0", id);
            Assert.Equal("run\nrun", await LogOnceItIs("run\\nrun"));
            Assert.Equal(volume, await Cli.Inspect(id, "{{range .Mounts}}{{.Name}}{{end}}"));
        }
        finally { await Cli.Ok("rm", "-f", id); }
        await Cli.Ok("volume", "rm", volume);
    }

    [Fact]
    public async Task Nothing_stays_mounted_on_the_host_after_rm_f()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        var volume = UniqueName("left");
        var id = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", "-v", dir + ":/src", Image, "sleep", "1000");
        var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
        Assert.Equal("running", await Cli.Inspect(id, "{{.State.Status}}"));
        await Cli.Ok("rm", "-f", id);
        var mountinfo = File.ReadAllText("/proc/self/mountinfo");
        Assert.DoesNotContain(id, mountinfo);
        Assert.DoesNotContain(mountpoint, mountinfo);
        Assert.DoesNotContain(dir, mountinfo);
        await Cli.Ok("volume", "rm", volume);
    }
}
