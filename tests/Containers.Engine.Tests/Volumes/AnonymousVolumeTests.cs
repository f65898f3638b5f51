using System.Globalization;
using System.Text.Json;

namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// Anonymous volumes through the docker CLI: <c>-v /path</c>, <c>--mount</c> without a source and an image's VOLUMEs
/// (filled from the image), <c>docker rm -v</c> and <c>run --rm</c> removing them (not named ones, not one another container
/// still uses), <c>--volumes-from</c>, <c>--read-only</c> with writable mounts, inspect's Mounts and dangling volumes.
/// </summary>
[Collection(nameof(VolumeMountFixture))]
public sealed class AnonymousVolumeTests(VolumeMountFixture fixture)
{
    private const string AnonymousLabel = "com.docker.volume.anonymous";
    private EngineDocker Cli => new(fixture.Engine);
    private string Image => fixture.Image;

    private static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A container's inspect Mounts by destination: (Type, Name, Source, Driver, Mode, RW, Propagation).</summary>
    private async Task<Dictionary<string, (string Type, string Name, string Source, string Driver, string Mode, bool RW, string Propagation)>> Mounts(string container)
    {
        using var mounts = JsonDocument.Parse(await Cli.Inspect(container, "{{json .Mounts}}"));
        static string Text(JsonElement m, string name) => m.TryGetProperty(name, out var value) ? value.GetString()! : "";
        return mounts.RootElement.EnumerateArray().ToDictionary(m => Text(m, "Destination"), m => (Text(m, "Type"), Text(m, "Name"),
            Text(m, "Source"), Text(m, "Driver"), Text(m, "Mode"), m.GetProperty("RW").GetBoolean(), Text(m, "Propagation")));
    }

    private async Task<List<string>> VolumeNames(params string[] filters) =>
        (await Cli.Ok(["volume", "ls", "-q", .. filters.SelectMany(f => new[] { "-f", f })])).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The events of <paramref name="type"/>s since <paramref name="since"/>, in order, as "[type ]action id" lines.</summary>
    private async Task<List<string>> Events(DateTimeOffset since, params string[] type)
    {
        static string Unix(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        var output = await Cli.Ok(["events", "--since", Unix(since), "--until", Unix(DateTimeOffset.UtcNow.AddMilliseconds(10)),
            .. type.SelectMany(t => new[] { "--filter", "type=" + t }), "--format", (type.Length > 1 ? "{{.Type}} " : "") + "{{.Action}} {{.Actor.ID}}"]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>Checks that a volume is anonymous (64 hex digits, the anonymous label) and shown as dockerd shows it.</summary>
    private async Task AssertAnonymous((string Type, string Name, string Source, string Driver, string Mode, bool RW, string Propagation) mount, string mode)
    {
        Assert.Matches("^[0-9a-f]{64}$", mount.Name);
        var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", mount.Name);
        Assert.Equal(("volume", mountpoint, "local", mode, true, ""), (mount.Type, mount.Source, mount.Driver, mount.Mode, mount.RW, mount.Propagation));
        Assert.EndsWith($"/{mount.Name}/_data", mountpoint);
        Assert.Contains($"\"{AnonymousLabel}\":\"\"", await Cli.Ok("volume", "inspect", "-f", "{{json .Labels}}", mount.Name));
    }

    [Fact]
    public async Task A_path_alone_makes_an_anonymous_volume_filled_from_the_image_that_rm_v_removes_with_its_events()
    {
        var before = await VolumeNames();
        var id = await Cli.Ok("run", "-d", "--network", "none", "-v", "/srv/app", "--mount", "type=volume,target=/scratch", Image, "sleep", "1000");
        List<string> made;
        try
        {
            Assert.Equal("from the image", await Cli.Ok("exec", id, "cat", "/srv/app/config"));
            await Cli.Ok("exec", id, "sh", "-c", "echo kept > /scratch/f");
            var mounts = await Mounts(id);
            Assert.Equal(new[] { "/scratch", "/srv/app" }, mounts.Keys.Order());
            // docker run -v /path is the container's Config.Volumes (shown without a mode); --mount shows the volume's "z".
            await AssertAnonymous(mounts["/srv/app"], "");
            await AssertAnonymous(mounts["/scratch"], "z");
            Assert.Contains("\"/srv/app\":{}", await Cli.Inspect(id, "{{json .Config.Volumes}}"));
            made = [mounts["/srv/app"].Name, mounts["/scratch"].Name];
            Assert.Equal(before.Concat(made).Order(), (await VolumeNames()).Order());
            var mountpoint = mounts["/scratch"].Source;
            Assert.Equal("kept\n", File.ReadAllText(Path.Combine(mountpoint, "f")));
        }
        catch
        {
            await Cli.Ok("rm", "-f", "-v", id);
            throw;
        }

        var since = DateTimeOffset.UtcNow;
        Assert.Equal(id, await Cli.Ok("rm", "-f", "-v", id));
        Assert.Equal(before.Order(), (await VolumeNames()).Order());
        // As dockerd: the volumes' destroy events, then the container's.
        var events = (await Events(since, "volume", "container")).Where(e => e.Contains(" destroy ")).ToList();
        Assert.Equal(made.Select(n => "volume destroy " + n).Order(), events.SkipLast(1).Order());
        Assert.Equal("container destroy " + id, events[^1]);
    }

    [Fact]
    public async Task Rm_without_v_keeps_the_anonymous_volume_dangling_and_rm_v_never_removes_a_named_one()
    {
        var (named, first, second) = (UniqueName("named"), UniqueName("first"), UniqueName("second"));
        string? kept = null;
        try
        {
            await Cli.Ok("run", "--name", first, "--network", "none", "-v", "/data", "-v", named + ":/named", Image, "sh", "-c", "echo one > /data/f");
            kept = (await Mounts(first))["/data"].Name;
            Assert.DoesNotContain(kept, await VolumeNames("dangling=true"));
            await Cli.Ok("rm", first);
            // Kept, with what the container wrote, and dangling: no container uses it any more.
            Assert.Contains(kept, await VolumeNames("dangling=true"));
            Assert.Contains(named, await VolumeNames("dangling=true"));
            Assert.Equal("one\n", File.ReadAllText(Path.Combine(await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", kept), "f")));

            await Cli.Ok("create", "--name", second, "--network", "none", "-v", "/data", "-v", named + ":/named", Image, "true");
            var removed = (await Mounts(second))["/data"].Name;
            Assert.NotEqual(kept, removed);
            await Cli.Ok("rm", "-v", second);
            var left = await VolumeNames();
            Assert.DoesNotContain(removed, left);
            Assert.Contains(named, left);
            Assert.Contains(kept, left);
        }
        finally
        {
            await DockerCli.RunAsync(Cli.Host, "rm", "-f", "-v", first, second); // left only by a failed assertion
            await Cli.Ok(["volume", "rm", "-f", named, .. kept is null ? Array.Empty<string>() : [kept]]);
        }
    }

    [Fact]
    public async Task Image_volumes_become_anonymous_volumes_filled_from_the_image_unless_the_request_mounts_there()
    {
        var image = fixture.VolumeImage;
        var before = await VolumeNames();
        var id = await Cli.Ok("run", "-d", "--network", "none", image, "sleep", "1000");
        try
        {
            var mounts = await Mounts(id);
            Assert.Equal(new[] { "/cache", "/srv/app" }, mounts.Keys.Order());
            await AssertAnonymous(mounts["/srv/app"], "");
            await AssertAnonymous(mounts["/cache"], "");
            Assert.Equal("1000:1000 750\nfrom the image", await Cli.Ok("exec", id, "sh", "-c", "stat -c '%u:%g %a' /srv/app; cat /srv/app/config"));
            Assert.Equal("", await Cli.Ok("exec", id, "ls", "-A", "/cache"));
            Assert.Equal("from the image", File.ReadAllText(Path.Combine(mounts["/srv/app"].Source, "config")));
            Assert.Equal("{\"/cache\":{},\"/srv/app\":{}}", await Cli.Inspect(id, "{{json .Config.Volumes}}"));
        }
        finally { await Cli.Ok("rm", "-f", "-v", id); }
        Assert.Equal(before.Order(), (await VolumeNames()).Order());

        // A volume, bind or tmpfs of the request at an image VOLUME's destination replaces it: no anonymous volume there;
        // one inside a VOLUME is mounted after it, not hidden by it.
        var named = UniqueName("over");
        using var temp = new TempDirectory();
        try
        {
            Assert.Equal("config\nsub", await Cli.Ok("run", "--rm", "--network", "none", "-v", named + ":/srv/app/sub", image, "sh", "-c", "echo in > /srv/app/sub/f; ls /srv/app"));
            Assert.Equal("in\n", File.ReadAllText(Path.Combine(await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", named), "f")));
            var over = await Cli.Ok("create", "--network", "none", "-v", named + ":/srv/app", "--tmpfs", "/cache", image, "true");
            var mounts = await Mounts(over);
            Assert.Equal(new[] { "/srv/app" }, mounts.Keys);
            Assert.Equal(named, mounts["/srv/app"].Name);
            await Cli.Ok("rm", "-v", over);
            var bound = await Cli.Ok("create", "--network", "none", "--mount", $"type=bind,source={temp.Path},target=/srv/app/", image, "true");
            mounts = await Mounts(bound);
            Assert.Equal(("bind", temp.Path), (mounts["/srv/app"].Type, mounts["/srv/app"].Source));
            await AssertAnonymous(mounts["/cache"], "");
            await Cli.Ok("rm", "-v", bound);
            Assert.Equal(before.Append(named).Order(), (await VolumeNames()).Order());
        }
        finally { await Cli.Ok("volume", "rm", "-f", named); }
    }

    [Fact]
    public async Task Through_the_api_a_bind_of_only_a_container_path_is_an_anonymous_volume_and_a_volume_at_the_root_a_400()
    {
        await Cli.Ok("pull", "-q", Image);
        Task<RawHttp.Response> Create(string fields) => RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/containers/create",
            $"{{\"Image\":\"{Image}\",\"Cmd\":[\"true\"],{fields}}}");
        static string Message(RawHttp.Response r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString()!;
        var created = await Create("\"HostConfig\":{\"NetworkMode\":\"none\",\"Binds\":[\"/data\"]}");
        Assert.Equal(201, created.Status);
        var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("Id").GetString()!;
        try
        {
            // As dockerd shows a local volume of HostConfig.Binds given no mode: "z".
            await AssertAnonymous((await Mounts(id))["/data"], "z");
        }
        finally { await Cli.Ok("rm", "-v", id); }

        var before = await VolumeNames();
        // A path and a mode is not a volume (dockerd: volumes cannot include a mode); nothing mounts over the root.
        var withMode = await Create("\"HostConfig\":{\"Binds\":[\"/data:rw\"]}");
        Assert.Equal((400, "invalid volume specification: '/data:rw'"), (withMode.Status, Message(withMode)));
        var atRoot = await Create("\"Volumes\":{\"/srv\":{},\"/\":{}}");
        Assert.Equal((400, "invalid volume specification: '/': invalid specification: destination can't be '/'"), (atRoot.Status, Message(atRoot)));
        Assert.Equal(before.Order(), (await VolumeNames()).Order());
        Assert.Equal("", await Cli.Ok("ps", "-aq"));
    }

    [Fact]
    public async Task Run_rm_removes_the_anonymous_volumes_as_the_container_goes()
    {
        var before = await VolumeNames();
        var since = DateTimeOffset.UtcNow;
        var output = await Cli.Ok("run", "--rm", "--network", "none", "-v", "/data", fixture.VolumeImage, "sh", "-c",
            "echo x > /data/f; cat /srv/app/config; echo; grep -cE ' (/data|/cache|/srv/app) ' /proc/mounts");
        Assert.Equal("from the image\n3", output);
        Assert.Equal(before.Order(), (await VolumeNames()).Order());
        var events = await Events(since, "volume");
        Assert.Equal(3, events.Count(e => e.StartsWith("create ")));
        Assert.Equal(events.Where(e => e.StartsWith("create ")).Select(e => e.Replace("create ", "destroy ")).Order(),
            events.Where(e => e.StartsWith("destroy ")).Order());
    }

    [Fact]
    public async Task Volumes_from_shares_volumes_and_binds_with_their_mode_unless_ro_and_the_requests_own_mount_wins()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "h"), "host");
        var named = UniqueName("own");
        var source = UniqueName("source");
        var ids = new List<string> { source };
        try
        {
            await Cli.Ok("create", "--name", source, "--network", "none", "-v", "/shared", "-v", temp.Path + ":/bind:ro",
                "--mount", "type=tmpfs,target=/scratch", "--tmpfs", "/t", Image, "true");
            var shared = (await Mounts(source))["/shared"].Name;

            // Files written through one container are seen in the other; the bind keeps its ro; tmpfs are not shared.
            Assert.Equal("host", await Cli.Ok("run", "--rm", "--network", "none", "--volumes-from", source, Image, "sh", "-c",
                "echo hi > /shared/f; cat /bind/h"));
            Assert.Equal("hi", await Cli.Ok("run", "--rm", "--network", "none", "--volumes-from", source + ":rw", Image, "cat", "/shared/f"));
            Assert.Contains("Read-only file system", await Cli.Fails("run", "--rm", "--network", "none", "--volumes-from", source, Image, "sh", "-c", "echo no > /bind/g"));
            Assert.Contains("Read-only file system", await Cli.Fails("run", "--rm", "--network", "none", "--volumes-from", source + ":ro", Image, "sh", "-c", "cat /shared/f && echo no > /shared/g"));
            Assert.False(File.Exists(Path.Combine(temp.Path, "g")));

            // -v /shared (Config.Volumes) makes no volume where --volumes-from already mounts one.
            var reader = await Cli.Ok("create", "--network", "none", "--volumes-from", source + ":ro", "-v", "/shared", Image, "true");
            ids.Add(reader);
            var mounts = await Mounts(reader);
            Assert.Equal(new[] { "/bind", "/shared" }, mounts.Keys.Order());
            var mountpoint = await Cli.Ok("volume", "inspect", "-f", "{{.Mountpoint}}", shared);
            Assert.Equal(("volume", shared, mountpoint, "local", "", false, ""), mounts["/shared"]);
            Assert.Equal(("bind", "", temp.Path, "", "", false, "rprivate"), mounts["/bind"]);

            var own = await Cli.Ok("create", "--network", "none", "--volumes-from", source, "-v", named + ":/bind", Image, "true");
            ids.Add(own);
            mounts = await Mounts(own);
            Assert.Equal((named, true), (mounts["/bind"].Name, mounts["/bind"].RW));
            Assert.Equal((shared, true), (mounts["/shared"].Name, mounts["/shared"].RW));
            Assert.Equal($"[{source}]", await Cli.Inspect(own, "{{.HostConfig.VolumesFrom}}"));

            // rm -v of the source leaves the volume other containers still use, silently; the last one's rm -v removes it.
            foreach (var (container, stays) in new[] { (source, true), (reader, true), (own, false) })
            {
                await Cli.Ok("rm", "-v", container);
                ids.Remove(container);
                Assert.Equal(stays, (await VolumeNames()).Contains(shared));
            }
            Assert.DoesNotContain(shared, await VolumeNames());
            Assert.Contains(named, await VolumeNames());
        }
        finally
        {
            if (ids.Count > 0) await Cli.Ok(["rm", "-f", "-v", .. ids]);
            await Cli.Ok("volume", "rm", "-f", named);
        }
    }

    [Fact]
    public async Task A_data_container_that_never_ran_shares_the_image_content_and_an_emptied_volume_is_not_filled_again()
    {
        var store = UniqueName("store");
        await Cli.Ok("create", "--name", store, "--network", "none", "-v", "/srv/app", Image, "sh", "-c", "ls -A /srv/app");
        try
        {
            // As dockerd: filled at create, before any start.
            var volume = (await Mounts(store))["/srv/app"];
            Assert.Equal("from the image", File.ReadAllText(Path.Combine(volume.Source, "config")));
            Assert.Equal("from the image", await Cli.Ok("run", "--rm", "--network", "none", "--volumes-from", store, Image, "cat", "/srv/app/config"));
            File.Delete(Path.Combine(volume.Source, "config"));
            Assert.Equal("", await Cli.Ok("start", "-a", store));
        }
        finally { await Cli.Ok("rm", "-v", store); }
    }

    [Theory]
    [InlineData("nosuch-container", "No such container: nosuch-container")]
    [InlineData("x:nocopy", "invalid mode: nocopy")]
    [InlineData("x:ro,rw", "invalid mode: ro,rw")]
    public async Task Volumes_from_an_unknown_container_or_with_a_bad_mode_is_refused(string spec, string message)
    {
        var before = await VolumeNames();
        var error = await Cli.Fails("create", "--volumes-from", spec, "-v", "/data", Image, "true");
        Assert.Contains(message, error);
        Assert.Equal("", await Cli.Ok("ps", "-aq"));
        Assert.Equal(before.Order(), (await VolumeNames()).Order());
    }

    [Fact]
    public async Task A_name_already_in_use_is_refused_before_any_volume_is_made()
    {
        var name = UniqueName("taken");
        await Cli.Ok("create", "--name", name, Image, "true");
        try
        {
            var since = DateTimeOffset.UtcNow;
            var before = await VolumeNames();
            Assert.Contains($"The container name \"/{name}\" is already in use by container", await Cli.Fails("create", "--name", name, "-v", "/data", Image, "true"));
            Assert.Equal(before.Order(), (await VolumeNames()).Order());
            Assert.Empty(await Events(since, "volume"));
        }
        finally { await Cli.Ok("rm", name); }
    }

    [Theory]
    [InlineData("/srv/app/config")]
    [InlineData("named-over-file:/srv/app/config")]
    public async Task A_volume_over_a_file_of_the_image_is_refused_and_leaves_nothing(string volume)
    {
        var before = await VolumeNames();
        var error = await Cli.Fails("create", "-v", volume, Image, "true");
        Assert.Contains("cannot mount volume over existing file, file exists /srv/app/config", error);
        Assert.Equal("", await Cli.Ok("ps", "-aq"));
        Assert.Equal(before.Order(), (await VolumeNames()).Where(v => v != "named-over-file").Order());
        await Cli.Ok("volume", "rm", "-f", "named-over-file");
    }

    [Fact]
    public async Task Read_only_rootfs_keeps_volumes_binds_and_tmpfs_writable()
    {
        using var temp = new TempDirectory();
        var output = await Cli.Ok("run", "--rm", "--network", "none", "--read-only", "-v", "/data", "-v", temp.Path + ":/bind", "--tmpfs", "/tmp",
            fixture.VolumeImage, "sh", "-c", "echo v > /data/f && echo b > /bind/f && echo t > /tmp/f && echo c > /cache/f && cat /data/f /tmp/f /cache/f; touch /nope 2>&1; echo done");
        Assert.Equal("v\nt\nc\ntouch: /nope: Read-only file system\ndone", output);
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(temp.Path, "f")));
    }
}
