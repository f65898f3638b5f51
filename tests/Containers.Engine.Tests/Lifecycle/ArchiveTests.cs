using System.Formats.Tar;
using System.Net;
using System.Text;
using System.Text.Json;
using Containers.Api;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// A container's files through the real docker CLI against the real engine: docker cp both ways on running, created and
/// stopped containers (modes, owners, -a, symlinks, -L), copies that try to leave the container through symlinks or a
/// crafted tar, the archive API's stat header and errors, docker diff and docker export.
/// </summary>
public sealed class ArchiveTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>, IDisposable
{
    private readonly TempDirectory _host = new();

    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    public void Dispose() => _host.Dispose();

    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    /// <summary>Runs <paramref name="test"/> and removes the container <paramref name="name"/> however it ends.</summary>
    private async Task Removing(string name, Func<Task> test)
    {
        try
        {
            await test();
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    /// <summary>Runs a container to its end with a shell script (the image's busybox has few applets of its own: call busybox X).</summary>
    private async Task<string> RunScript(string script, params string[] options)
    {
        var name = Unique("fs");
        await Docker(["run", "--name", name, .. options, Image, "sh", "-c", script]);
        return name;
    }

    /// <summary>The owner the engine's tar of a container path carries (docker cp CONTAINER:PATH - writes it as it is).</summary>
    private async Task<string> TarOwner(string container, string path)
    {
        var (code, stdout, stderr) = await DockerCli.RunAsync(Host, "cp", $"{container}:{path}", "-");
        Assert.True(code == 0, stderr);
        var entry = new TarReader(new MemoryStream(Encoding.Latin1.GetBytes(stdout))).GetNextEntry()!;
        return $"{entry.Uid}:{entry.Gid}";
    }

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    private bool EngineMountsLeft() =>
        File.ReadAllLines("/proc/self/mountinfo").Any(line => line.Contains(Path.Combine(fixture.Engine.ExecRoot, "mounts"), StringComparison.Ordinal));

    [Fact]
    public async Task Cp_of_a_file_and_a_directory_into_and_out_of_a_running_container_keeps_content_modes_and_owners()
    {
        var file = Path.Combine(_host, "a.txt");
        File.WriteAllText(file, "alpha\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_000); // 0640
        ProcessRunner.Run("chown", "1234:2345", file);
        var tree = _host.Sub("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.WriteAllText(Path.Combine(tree, "sub", "run.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(tree, "sub", "run.sh"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Combine(tree, "link"), "sub/run.sh");
        var large = new byte[6 << 20]; // above the engine's 4 MiB limit for JSON bodies: an upload has none
        Random.Shared.NextBytes(large);
        File.WriteAllBytes(Path.Combine(tree, "large.bin"), large);

        var name = Unique("cp");
        await Docker("run", "-d", "--name", name, Image, "sleep", "300");
        await Removing(name, async () =>
        {
            await Docker("cp", file, $"{name}:/a.txt");
            await Docker("cp", tree, $"{name}:/tree");
            var output = _host.Sub("out");
            await Docker("cp", $"{name}:/a.txt", Path.Combine(output, "a.txt"));
            await Docker("cp", $"{name}:/tree", Path.Combine(output, "tree"));

            Assert.Equal("alpha\n", File.ReadAllText(Path.Combine(output, "a.txt")));
            Assert.Equal((UnixFileMode)0b110_100_000, Mode(Path.Combine(output, "a.txt")));
            Assert.Equal("1234:2345", await TarOwner(name, "/a.txt"));
            Assert.Equal("640 1234:2345", await Docker("exec", name, "busybox", "stat", "-c", "%a %u:%g", "/a.txt")); // as the container sees it
            Assert.Equal("755", await Docker("exec", name, "busybox", "stat", "-c", "%a", "/tree/sub/run.sh"));
            Assert.Equal("#!/bin/sh\n", File.ReadAllText(Path.Combine(output, "tree", "sub", "run.sh")));
            Assert.Equal((UnixFileMode)0b111_101_101, Mode(Path.Combine(output, "tree", "sub", "run.sh")));
            Assert.Equal("sub/run.sh", new FileInfo(Path.Combine(output, "tree", "link")).LinkTarget);
            Assert.Equal(large, File.ReadAllBytes(Path.Combine(output, "tree", "large.bin")));

            // "dir/." copies the contents, not the directory.
            var contents = _host.Sub("contents");
            await Docker("cp", $"{name}:/tree/.", contents);
            Assert.True(File.Exists(Path.Combine(contents, "sub", "run.sh")));
        });
    }

    [Fact]
    public async Task Cp_a_keeps_the_tars_owners_without_a_user_and_gives_the_files_to_the_containers_user_with_one()
    {
        var file = Path.Combine(_host, "owned.txt");
        File.WriteAllText(file, "owned\n");
        ProcessRunner.Run("chown", "1234:2345", file);
        var name = Unique("owner");
        await Docker("create", "--name", name, "--user", "4321:4322", Image, "busybox", "stat", "-c", "%u:%g", "/plain.txt", "/archived.txt");
        await Removing(name, async () =>
        {
            await Docker("cp", file, $"{name}:/plain.txt");
            await Docker("cp", "-a", file, $"{name}:/archived.txt");
            Assert.Equal("1234:2345", await TarOwner(name, "/plain.txt"));
            Assert.Equal("4321:4322", await TarOwner(name, "/archived.txt"));
            Assert.Equal("1234:2345\n4321:4322", await Docker("start", "-a", name)); // as the container sees them
        });
    }

    [Fact]
    public async Task Cp_into_a_created_container_is_there_when_it_starts_and_leaves_no_mount()
    {
        var file = Path.Combine(_host, "hello.txt");
        File.WriteAllText(file, "hello from the host\n");
        var name = Unique("created");
        await Docker("create", "--name", name, Image, "cat", "/config/hello.txt");
        await Removing(name, async () =>
        {
            await Docker("cp", _host.Path + "/.", $"{name}:/config");
            Assert.False(EngineMountsLeft());
            Assert.Equal("hello from the host", await Docker("start", "-a", name));
        });
    }

    [Fact]
    public async Task Cp_reaches_the_containers_volumes_running_or_stopped_a_read_only_one_refuses_and_export_leaves_them_out()
    {
        var (volume, readOnly) = (Unique("cpvol"), Unique("cpro"));
        File.WriteAllText(Path.Combine(_host, "into-volume.txt"), "into the volume\n");
        var name = Unique("vols");
        await Docker("run", "-d", "--name", name, "-v", $"{volume}:/data", "-v", $"{readOnly}:/ro:ro", Image, "sh", "-c",
            "echo from the container > /data/inside.txt; exec sleep 1000");
        try
        {
            await Docker("cp", Path.Combine(_host, "into-volume.txt"), $"{name}:/data/");
            Assert.Equal("into the volume", await Docker("run", "--rm", "-v", $"{volume}:/v", Image, "cat", "/v/into-volume.txt"));
            var refused = await DockerCli.RunAsync(Host, ["cp", Path.Combine(_host, "into-volume.txt"), $"{name}:/ro/"]);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("Error response from daemon: mounted volume is marked read-only", refused.Stderr);
            Assert.Equal("", await Docker("run", "--rm", "-v", $"{readOnly}:/v", Image, "ls", "/v"));

            await Docker("stop", "-t", "0", name);
            var target = Path.Combine(_host, "inside.txt");
            await Docker("cp", $"{name}:/data/inside.txt", target);
            Assert.Equal("from the container\n", File.ReadAllText(target));
            var tar = Path.Combine(_host, "export.tar");
            await Docker("export", "-o", tar, name); // the root filesystem only, as dockerd: no volume content
            var listed = ProcessRunner.Run("tar", "tf", tar).Split('\n');
            Assert.Contains("bin/busybox", listed);
            Assert.DoesNotContain("data/inside.txt", listed);
            Assert.False(EngineMountsLeft());
        }
        finally
        {
            await Docker("rm", "-f", name);
            await Docker("volume", "rm", volume, readOnly);
        }
    }

    [Fact]
    public async Task Cp_out_of_a_stopped_container_works_and_leaves_no_mount()
    {
        var name = await RunScript("echo written > /out.txt");
        await Removing(name, async () =>
        {
            var target = Path.Combine(_host, "out.txt");
            await Docker("cp", $"{name}:/out.txt", target);
            Assert.Equal("written\n", File.ReadAllText(target));
            Assert.False(EngineMountsLeft());
            Assert.Equal("exited", await Docker("inspect", "--format", "{{.State.Status}}", name));
        });
    }

    [Fact]
    public async Task Cp_of_a_symlink_copies_the_link_and_with_L_what_it_points_to()
    {
        var name = await RunScript("echo target > /data.txt; busybox ln -s /data.txt /link");
        await Removing(name, async () =>
        {
            await Docker("cp", $"{name}:/link", Path.Combine(_host, "link"));
            Assert.Equal("/data.txt", new FileInfo(Path.Combine(_host, "link")).LinkTarget);
            await Docker("cp", "-L", $"{name}:/link", Path.Combine(_host, "followed"));
            Assert.Null(new FileInfo(Path.Combine(_host, "followed")).LinkTarget);
            Assert.Equal("target\n", File.ReadAllText(Path.Combine(_host, "followed")));
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_copy_through_a_symlink_that_points_outside_the_container_stays_inside_it(bool running)
    {
        var outside = _host.Sub("outside");
        var climbing = string.Concat(Enumerable.Repeat("../", 12)) + outside.TrimStart('/');
        var setup = $"busybox mkdir -p {outside}; busybox ln -s {outside} /escape; busybox ln -s {climbing} /climb; busybox ln -s {outside}-missing /nowhere";
        string name;
        if (running)
        {
            name = Unique("escape");
            await Docker("run", "-d", "--name", name, Image, "sh", "-c", setup + "; busybox touch /ready; sleep 300");
            await Poll.UntilAsync(async () => (await DockerCli.RunAsync(Host, "cp", $"{name}:/ready", "-")).ExitCode == 0, "the symlinks");
        }
        else name = await RunScript(setup);
        var file = Path.Combine(_host, "payload.txt");
        File.WriteAllText(file, "payload\n");
        await Removing(name, async () =>
        {
            await Docker("cp", file, $"{name}:/escape/x");
            await Docker("cp", file, $"{name}:/climb/y");
            await Docker("cp", file, $"{name}:/escape");
            Directory.CreateDirectory(outside + "-missing");
            await DockerCli.RunAsync(Host, "cp", file, $"{name}:/nowhere/z"); // the link's target is not in the container: fails or lands inside
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside + "-missing"));

            // The files are in the container, at the symlink's target as the container sees it.
            var back = _host.Sub("back");
            await Docker("cp", $"{name}:{outside}/x", Path.Combine(back, "x"));
            await Docker("cp", $"{name}:{outside}/y", Path.Combine(back, "y"));
            await Docker("cp", $"{name}:{outside}/payload.txt", Path.Combine(back, "payload.txt"));
            Assert.All(Directory.GetFiles(back), f => Assert.Equal("payload\n", File.ReadAllText(f)));
        });
    }

    [Fact]
    public async Task A_crafted_tar_writes_nothing_outside_the_container()
    {
        var outside = _host.Sub("outside");
        var name = await RunScript("true");
        await Removing(name, async () =>
        {
            var climbing = await PutTarAsync(name, "/var", w => AddFile(w, "../../../../../../.." + outside + "/climbed", "x"));
            Assert.Equal(HttpStatusCode.BadRequest, climbing.Status);
            Assert.Contains("is outside of", climbing.Message);

            var absolute = await PutTarAsync(name, "/var", w => AddFile(w, outside + "/absolute", "x"));
            Assert.Equal(HttpStatusCode.OK, absolute.Status); // as Docker: an absolute name is taken below the destination

            var dangling = await PutTarAsync(name, "/", w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "dangling") { LinkName = outside + "-nowhere" });
                AddFile(w, "dangling/through-link", "x");
            });
            Assert.Equal(HttpStatusCode.BadRequest, dangling.Status); // as Docker: the link's target is not made
            Assert.False(Directory.Exists(outside + "-nowhere"));

            var throughLink = await PutTarAsync(name, "/", w =>
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, outside.TrimStart('/') + "/"));
                w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "hop") { LinkName = outside });
                AddFile(w, "hop/through-link", "x");
            });
            Assert.Equal(HttpStatusCode.OK, throughLink.Status);

            var relativeLink = await PutTarAsync(name, "/var", w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "up") { LinkName = "../../../../.." }));
            Assert.Equal(HttpStatusCode.BadRequest, relativeLink.Status);
            Assert.Contains("invalid symlink", relativeLink.Message);

            var hardLink = await PutTarAsync(name, "/var", w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "passwd") { LinkName = "../../../etc/passwd" }));
            Assert.Equal(HttpStatusCode.BadRequest, hardLink.Status);
            Assert.Contains("invalid hardlink", hardLink.Message);

            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            Assert.False(File.Exists("/through-link"));
            var back = _host.Sub("back");
            await Docker("cp", $"{name}:/var{outside}/absolute", Path.Combine(back, "absolute"));
            await Docker("cp", $"{name}:{outside}/through-link", Path.Combine(back, "through-link"));
            Assert.Equal(2, Directory.GetFiles(back).Length);
        });
    }

    [Fact]
    public async Task Missing_parents_are_made_a_file_in_the_way_is_refused_and_a_directory_replaced_only_when_allowed()
    {
        var name = await RunScript("true");
        await Removing(name, async () =>
        {
            var deep = await PutTarAsync(name, "/var", w => AddFile(w, "a/b/c/deep.txt", "deep"));
            Assert.Equal(HttpStatusCode.OK, deep.Status);
            var stat = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Head, $"/containers/{name}/archive?path=/var/a/b");
            var decoded = JsonSerializer.Deserialize(Convert.FromBase64String(stat.Headers[ContainerPathStat.Header]), ApiJson.Context.ContainerPathStat)!;
            Assert.True(decoded.IsDirectory);
            Assert.Equal(0b111_101_101u, decoded.Mode & 0x1FF);

            var blocked = await PutTarAsync(name, "/etc", w => AddFile(w, "nonce/below.txt", "x"));
            Assert.Equal(HttpStatusCode.BadRequest, blocked.Status);
            Assert.Contains("/etc/nonce", blocked.Message);
            Assert.Contains("is not a directory", blocked.Message);

            // A directory and a non-directory meet: refused with noOverwriteDirNonDir (as the docker CLI sends), else replaced.
            var kept = await PutTarAsync(name, "/var", w => AddFile(w, "a", "file"), "&noOverwriteDirNonDir=true");
            Assert.Equal(HttpStatusCode.BadRequest, kept.Status);
            Assert.Contains("cannot overwrite directory", kept.Message);
            Assert.Equal(HttpStatusCode.OK, (await PutTarAsync(name, "/var", w => AddFile(w, "a", "file"))).Status);
            var replaced = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Head, $"/containers/{name}/archive?path=/var/a");
            var file = JsonSerializer.Deserialize(Convert.FromBase64String(replaced.Headers[ContainerPathStat.Header]), ApiJson.Context.ContainerPathStat)!;
            Assert.Equal((false, 4L), (file.IsDirectory, file.Size));
        });
    }

    [Fact]
    public async Task The_archive_API_answers_stat_headers_and_Dockers_errors()
    {
        var name = await RunScript("true");
        await Removing(name, async () =>
        {
            var socket = fixture.Engine.SocketPath;
            var stat = await RawHttp.SendAsync(socket, HttpMethod.Head, $"/containers/{name}/archive?path=/etc");
            Assert.Equal(200, stat.Status);
            var decoded = JsonSerializer.Deserialize(Convert.FromBase64String(stat.Headers[ContainerPathStat.Header]), ApiJson.Context.ContainerPathStat)!;
            Assert.Equal("etc", decoded.Name);
            Assert.True(decoded.IsDirectory);
            Assert.Equal(0b111_101_101u, decoded.Mode & 0x1FF);

            Assert.Equal(404, (await RawHttp.SendAsync(socket, HttpMethod.Head, $"/containers/{name}/archive?path=/nope")).Status);
            var missing = await RawHttp.SendAsync(socket, HttpMethod.Get, $"/containers/{name}/archive?path=/nope");
            Assert.Equal(404, missing.Status);
            Assert.Contains($"Could not find the file /nope in container {name}", missing.Body);
            Assert.Equal(400, (await RawHttp.SendAsync(socket, HttpMethod.Get, $"/containers/{name}/archive")).Status);
            Assert.Equal(404, (await RawHttp.SendAsync(socket, HttpMethod.Head, "/containers/nosuchcontainer/archive?path=/")).Status);

            var (code, _, stderr) = await DockerCli.RunAsync(Host, "cp", $"{name}:/nope", _host.Path);
            Assert.NotEqual(0, code);
            Assert.Contains("Could not find the file /nope", stderr);

            var notDirectory = await PutTarAsync(name, "/etc/nonce", w => AddFile(w, "x", "x"));
            Assert.Equal(HttpStatusCode.BadRequest, notDirectory.Status);
            Assert.Contains("extraction point is not a directory", notDirectory.Message);
        });
    }

    [Fact]
    public async Task The_client_library_copies_into_and_out_of_a_container()
    {
        var name = await RunScript("true");
        await Removing(name, async () =>
        {
            using var client = fixture.Engine.CreateClient();
            var tar = new MemoryStream();
            using (var writer = new TarWriter(tar, leaveOpen: true)) AddFile(writer, "from-client.txt", "client\n");
            tar.Position = 0;
            await client.PutContainerArchiveAsync(name, "/etc", tar);

            var stat = await client.GetContainerPathStatAsync(name, "/etc/from-client.txt");
            Assert.Equal(("from-client.txt", 7L, false), (stat.Name, stat.Size, stat.IsDirectory));
            using var archive = await client.GetContainerArchiveAsync(name, "/etc/from-client.txt");
            var entry = new TarReader(archive.Content).GetNextEntry()!;
            Assert.Equal("from-client.txt", entry.Name);
            Assert.Equal("client\n", new StreamReader(entry.DataStream!).ReadToEnd());
            var error = await Assert.ThrowsAsync<Containers.Client.ContainersNotFoundException>(() => client.GetContainerPathStatAsync(name, "/nope"));
            Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        });
    }

    [Fact]
    public async Task A_read_only_root_filesystem_refuses_a_copy_into_it()
    {
        var name = Unique("ro");
        await Docker("create", "--name", name, "--read-only", Image, "true");
        await Removing(name, async () =>
        {
            var refused = await PutTarAsync(name, "/etc", w => AddFile(w, "x", "x"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            var (code, _, stderr) = await DockerCli.RunAsync(Host, "cp", _host.Path + "/.", $"{name}:/etc");
            Assert.NotEqual(0, code);
            Assert.Contains("container rootfs is marked read-only", stderr);
        });
    }

    [Fact]
    public async Task Docker_diff_lists_what_the_container_added_changed_and_deleted()
    {
        var name = await RunScript("echo new > /added.txt; echo more >> /etc/nonce; busybox rm /bin/ls; busybox mkdir /newdir; echo f > /newdir/f");
        await Removing(name, async () =>
        {
            var lines = (await Docker("diff", name)).Split('\n');
            Assert.Contains("A /added.txt", lines);
            Assert.Contains("C /etc/nonce", lines);
            Assert.Contains("C /bin", lines);
            Assert.Contains("D /bin/ls", lines);
            Assert.Contains("A /newdir", lines);
            Assert.Contains("A /newdir/f", lines);
            Assert.True(Array.IndexOf(lines, "C /bin") < Array.IndexOf(lines, "D /bin/ls"));
            Assert.DoesNotContain(lines, l => l.EndsWith("/etc/hosts") || l.EndsWith("/etc/resolv.conf") || l.EndsWith("/proc") || l.EndsWith("/dev"));
        });
    }

    [Fact]
    public async Task With_the_native_storage_driver_diff_and_cp_work_too()
    {
        await using var engine = await EngineProcess.StartAsync("--storage-driver", "native");
        var host = "unix://" + engine.SocketPath;
        var name = Unique("native");
        await DockerCli.RunOkAsync(host, "run", "--name", name, Image, "sh", "-c", "echo new > /added.txt; echo more >> /etc/nonce; busybox rm /bin/ls");
        var lines = (await DockerCli.RunOkAsync(host, "diff", name)).Trim().Split('\n');
        Assert.Equal(["A /added.txt", "C /bin", "D /bin/ls", "C /etc", "C /etc/nonce"], lines); // parents first, as Docker walks

        var file = Path.Combine(_host, "in.txt");
        File.WriteAllText(file, "native\n");
        await DockerCli.RunOkAsync(host, "cp", file, $"{name}:/etc/in.txt");
        await DockerCli.RunOkAsync(host, "cp", $"{name}:/etc/in.txt", Path.Combine(_host, "out.txt"));
        Assert.Equal("native\n", File.ReadAllText(Path.Combine(_host, "out.txt")));
        await DockerCli.RunOkAsync(host, "rm", name);
    }

    [Fact]
    public async Task A_killed_engines_temporary_mounts_are_removed_when_it_starts_again()
    {
        using var directory = new TempDirectory();
        await using (var first = await EngineProcess.StartInAsync(directory, [])) { }
        var leftover = Path.Combine(directory, "exec", "mounts", "leftover");
        Directory.CreateDirectory(leftover);
        Containers.Snapshots.Mounter.Mount([new Containers.Snapshots.MountSpec("bind", _host.Sub("source"), ["rbind"])], leftover);
        Assert.Contains(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(leftover, StringComparison.Ordinal));

        await using var second = await EngineProcess.StartInAsync(directory, []);
        await Poll.UntilAsync(() => Task.FromResult(second.Output.Contains("Engine started")), "the restore, which runs after the socket answers");
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(leftover, StringComparison.Ordinal));
        Assert.False(Directory.Exists(leftover));
    }

    [Fact]
    public async Task Docker_export_is_a_tar_of_the_merged_root_filesystem()
    {
        var name = await RunScript("echo exported > /added.txt");
        await Removing(name, async () =>
        {
            var tar = Path.Combine(_host, "export.tar");
            await Docker("export", "-o", tar, name);
            var listed = ProcessRunner.Run("tar", "tf", tar).Split('\n');
            Assert.Contains("bin/busybox", listed);
            Assert.Contains("etc/nonce", listed);
            Assert.Contains("added.txt", listed);
            Assert.DoesNotContain("etc/removed-later", listed); // whited out by the image's second layer
            Assert.DoesNotContain("var/cache/old", listed);     // hidden by its opaque directory
            Assert.False(EngineMountsLeft());
        });
    }

    private async Task<(HttpStatusCode Status, string Message)> PutTarAsync(string container, string path, Action<TarWriter> write, string query = "")
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true)) write(writer);
        using var http = RawHttp.Create(fixture.Engine.SocketPath);
        using var content = new ByteArrayContent(tar.ToArray());
        using var response = await http.PutAsync($"/containers/{container}/archive?path={Uri.EscapeDataString(path)}{query}", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AddFile(TarWriter writer, string name, string text) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
}
