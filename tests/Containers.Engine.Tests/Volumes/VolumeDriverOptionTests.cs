namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// The local driver's options (<c>docker volume create --opt type=… --opt device=… --opt o=…</c>, and <c>volume-opt</c> of
/// <c>--mount</c>): the filesystem is mounted on the volume's <c>_data</c> while containers using it run, counted across
/// them, reconciled at an engine restart, and never left mounted on the host; bad options give dockerd's errors.
/// </summary>
public sealed class VolumeDriverOptionTests(VolumeMountFixture fixture) : IClassFixture<VolumeMountFixture>
{
    private EngineDocker Cli => new(fixture.Engine);
    private string Image => fixture.Image;

    private static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The host's mount table (the engine shares the test's mount namespace) has a mount on this path.</summary>
    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } f && f[4] == path);

    private async Task<string> TmpfsVolume(EngineDocker cli, string name, string o) =>
        await cli.Ok("volume", "create", "--driver", "local", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=" + o, name);

    [Fact]
    public async Task A_tmpfs_volume_is_a_tmpfs_of_its_size_and_owner_and_is_gone_after_the_container()
    {
        var volume = UniqueName("scratch");
        await TmpfsVolume(Cli, volume, "size=1m,uid=1000");
        var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
        try
        {
            Assert.Equal("map[device:tmpfs o:size=1m,uid=1000 type:tmpfs]", await Cli.Ok("volume", "inspect", "-f", "{{.Options}}", volume));
            Assert.False(IsMounted(mountpoint)); // mounted for containers only
            // Over an image directory: dockerd's copy-up at create mounts the volume for the copy and unmounts it after,
            // so the copy went into a tmpfs that is gone; the container starts on a fresh, empty one.
            var output = await Cli.Ok("run", "--rm", "--network", "none", "-v", volume + ":/srv/app", Image, "sh", "-c",
                "stat -f -c %T /srv/app; stat -c %u /srv/app; ls -A /srv/app | wc -l; " +
                "dd if=/dev/zero of=/srv/app/big bs=1k count=2048 2>&1 >/dev/null | grep -o 'No space left on device'; grep ' /srv/app ' /proc/mounts");
            var lines = output.Split('\n');
            Assert.Equal(["tmpfs", "1000", "0", "No space left on device"], lines[..4]);
            Assert.Matches(@"^tmpfs /srv/app tmpfs rw,.*size=1024k.*uid=1000", lines[4]);
            // Nothing went into the directory under the mount, and nothing stays mounted.
            Assert.False(IsMounted(mountpoint));
            Assert.Empty(Directory.EnumerateFileSystemEntries(mountpoint));
        }
        finally { await Cli.Ok("volume", "rm", "-f", volume); }
    }

    [Fact]
    public async Task A_bind_type_volume_shows_a_host_directory_and_removing_the_volume_leaves_it()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "from-host"), "host");
        var volume = UniqueName("bound");
        await Cli.Ok("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=" + temp.Path, volume);
        var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
        Assert.Equal("host", await Cli.Ok("run", "--rm", "--network", "none", "-v", volume + ":/data", Image, "sh", "-c",
            "cat /data/from-host; echo container > /data/from-container"));
        Assert.Equal("container\n", File.ReadAllText(Path.Combine(temp.Path, "from-container")));
        Assert.False(IsMounted(mountpoint));
        Assert.False(File.Exists(Path.Combine(mountpoint, "from-host")));
        await Cli.Ok("volume", "rm", volume);
        Assert.Equal("from-container,from-host", string.Join(',', Directory.EnumerateFiles(temp.Path).Select(Path.GetFileName).Order()));

        // Over an image directory, the copy-up goes through the mount: into the empty host directory, not under the mount.
        using var empty = new TempDirectory();
        var filled = UniqueName("filled");
        await Cli.Ok("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=" + empty.Path, filled);
        try
        {
            Assert.Equal("from the image", await Cli.Ok("run", "--rm", "--network", "none", "-v", filled + ":/srv/app", Image, "cat", "/srv/app/config"));
            Assert.Equal("from the image", File.ReadAllText(Path.Combine(empty.Path, "config")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", filled)));
        }
        finally { await Cli.Ok("volume", "rm", "-f", filled); }
    }

    [Fact]
    public async Task Two_containers_share_the_mount_which_goes_when_the_last_one_stops()
    {
        var volume = UniqueName("shared");
        await TmpfsVolume(Cli, volume, "size=1m");
        var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
        var first = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", Image, "sh", "-c", "echo one > /data/f; exec sleep 1000");
        var second = "";
        try
        {
            second = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", Image, "sleep", "1000");
            Assert.Equal("one", await Cli.Ok("exec", second, "sh", "-c", "i=0; until [ -s /data/f ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done; cat /data/f"));
            Assert.True(IsMounted(mountpoint));
            await Cli.Ok("stop", "-t", "0", first);
            Assert.True(IsMounted(mountpoint));
            Assert.Equal("one", await Cli.Ok("exec", second, "cat", "/data/f"));
            await Cli.Ok("stop", "-t", "0", second);
            Assert.False(IsMounted(mountpoint));
            // Started again, the volume is mounted again (empty: a tmpfs lives as long as its mount).
            await Cli.Ok("start", second);
            Assert.True(IsMounted(mountpoint));
            Assert.Equal("", await Cli.Ok("exec", second, "ls", "-A", "/data"));
        }
        finally { await Cli.Ok(["rm", "-f", first, .. second.Length > 0 ? [second] : Array.Empty<string>()]); }
        Assert.False(IsMounted(mountpoint));
        await Cli.Ok("volume", "rm", volume);
    }

    [Fact]
    public async Task Volume_opt_of_mount_creates_the_volume_with_its_options_and_labels()
    {
        var volume = UniqueName("viamount");
        try
        {
            Assert.Equal("tmpfs", await Cli.Ok("run", "--rm", "--network", "none", "--mount",
                $"type=volume,source={volume},target=/data,volume-driver=local,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m,volume-label=team=blue",
                Image, "sh", "-c", "stat -f -c %T /data"));
            Assert.Equal("map[device:tmpfs o:size=2m type:tmpfs] map[team:blue]", await Cli.Ok("volume", "inspect", "-f", "{{.Options}} {{.Labels}}", volume));
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", volume);
            Assert.False(IsMounted(mountpoint));
            // As dockerd: a volume with mount options is not local content, so system df leaves it out.
            Assert.DoesNotContain(volume, await Cli.Ok("system", "df", "-v"));
        }
        finally { await Cli.Ok("volume", "rm", "-f", volume); }
    }

    [Theory]
    [InlineData("type=tmpfs", "missing required option: \"device\"")]
    [InlineData("device=tmpfs", "missing required option: \"type\"")]
    [InlineData("size=10m", "quota size requested but no quota support")]
    [InlineData("size=ten", "invalid size: 'ten'")]
    [InlineData("uid=1000", "invalid option: \"uid\"")]
    public async Task Bad_options_are_refused_at_create_in_dockerds_words(string option, string message)
    {
        var volume = UniqueName("bad");
        Assert.Equal("Error response from daemon: " + message, await Cli.Fails("volume", "create", "--opt", option, volume));
        Assert.Equal("", await Cli.Ok("volume", "ls", "-q", "-f", "name=" + volume));
    }

    [Fact]
    public async Task A_mount_that_fails_fails_the_start_with_the_mount_error_and_leaves_nothing_mounted()
    {
        var (tmpfs, bind) = (UniqueName("badsize"), UniqueName("nodir"));
        await TmpfsVolume(Cli, tmpfs, "size=lots");
        await Cli.Ok("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/nonexistent-" + bind, bind);
        try
        {
            var tmpfsPath = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", tmpfs);
            var bindPath = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", bind);
            // A good volume first: it is mounted, then released when the next one fails.
            var good = UniqueName("good");
            await TmpfsVolume(Cli, good, "size=1m");
            var goodPath = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", good);
            var error = await Cli.Fails("run", "--name", tmpfs, "--network", "none", "-v", good + ":/good", "-v", tmpfs + ":/data", Image, "true");
            Assert.Contains($"error while mounting volume '{tmpfsPath}': failed to mount local volume: mount tmpfs:{tmpfsPath}, data: size=lots: invalid argument", error);
            error = await Cli.Fails("run", "--name", bind, "--network", "none", "-v", bind + ":/data", Image, "true");
            Assert.Contains($"error while mounting volume '{bindPath}': failed to mount local volume: mount /nonexistent-{bind}:{bindPath}, flags: 0x1000: no such file or directory", error);
            Assert.Equal("created", await Cli.Inspect(bind, "{{.State.Status}}"));
            Assert.StartsWith($"error while mounting volume '{bindPath}'", await Cli.Inspect(bind, "{{.State.Error}}"));
            // A system error as dockerd's errdefs.System: 500 (the request itself was valid).
            var start = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, $"/v1.47/containers/{bind}/start");
            Assert.Equal(500, start.Status);
            Assert.Contains("failed to mount local volume", start.Body);
            // Over an image directory the mount is already needed at create, for the copy-up: dockerd's populate error.
            Assert.Contains($"failed to populate volume: error while mounting volume '{tmpfsPath}': failed to mount local volume",
                await Cli.Fails("create", "--network", "none", "-v", tmpfs + ":/srv/app", Image, "true"));
            Assert.False(IsMounted(tmpfsPath) || IsMounted(bindPath) || IsMounted(goodPath));
            await Cli.Ok("rm", tmpfs, bind);
            await Cli.Ok("volume", "rm", good);
        }
        finally { await Cli.Ok("volume", "rm", "-f", tmpfs, bind); }
    }

    [Fact]
    public async Task An_engine_restart_keeps_the_mount_of_a_running_user_and_takes_down_one_whose_users_died()
    {
        using var directory = new TempDirectory();
        var engine = await EngineProcess.StartInAsync(directory, []);
        try
        {
            var cli = new EngineDocker(engine);
            await cli.Ok("pull", "-q", Image);
            var (kept, orphan) = (UniqueName("kept"), UniqueName("orphan"));
            await TmpfsVolume(cli, kept, "size=1m");
            await TmpfsVolume(cli, orphan, "size=1m");
            var keptPath = await cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", kept);
            var orphanPath = await cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", orphan);
            var runner = await cli.Ok("run", "-d", "--network", "none", "-v", kept + ":/data", Image, "sh", "-c", "echo kept > /data/f; exec sleep 1000");
            var dying = await cli.Ok("run", "-d", "--network", "none", "-v", orphan + ":/data", Image, "sleep", "1000");
            var dyingPid = int.Parse(await cli.Inspect(dying, "{{.State.Pid}}"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(IsMounted(keptPath) && IsMounted(orphanPath));

            engine.Signal(Posix.SIGKILL);
            await engine.StopAsync();
            await engine.DisposeAsync();
            Posix.Kill(dyingPid, Posix.SIGKILL); // its only user dies while the engine is down
            await Poll.UntilAsync(() => Task.FromResult(!EngineResources.IsAlive(dyingPid)), "the container's process to die");
            engine = await EngineProcess.StartInAsync(directory, []);
            cli = new EngineDocker(engine);

            Assert.Equal("running", await cli.Inspect(runner, "{{.State.Status}}"));
            Assert.Equal("exited", await cli.Inspect(dying, "{{.State.Status}}"));
            Assert.True(IsMounted(keptPath));
            Assert.Equal("kept\n", File.ReadAllText(Path.Combine(keptPath, "f")));
            Assert.False(IsMounted(orphanPath));
            // Still counted: its user's stop takes it down.
            await cli.Ok("stop", "-t", "0", runner);
            Assert.False(IsMounted(keptPath));
            await cli.Ok("start", runner);
            Assert.True(IsMounted(keptPath));
            Assert.Equal(0, await engine.StopAsync()); // stops the containers, so their volumes are unmounted
            Assert.False(IsMounted(keptPath));
        }
        finally { await engine.DisposeAsync(); }
    }
}
