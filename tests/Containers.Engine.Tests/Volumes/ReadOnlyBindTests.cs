using System.Text.Json.Nodes;

namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// How read-only a read-only bind is, through the docker CLI: recursively (every submount of the host directory too) by
/// default as with Docker 25 and API 1.44; the top only with <c>bind-recursive=writable</c> (ReadOnlyNonRecursive); without
/// the submounts at all with <c>bind-recursive=disabled</c> (NonRecursive).
/// The host directory has a tmpfs mounted on its "sub" directory.
/// </summary>
public sealed class ReadOnlyBindTests(VolumeMountFixture fixture) : IClassFixture<VolumeMountFixture>
{
    private EngineDocker Cli => new(fixture.Engine);

    /// <summary>Tries to write at the top of the bind and in its submount; prints what each touch said.</summary>
    private Task<string> TryWrites(params string[] mountArgs) => Cli.Ok(["run", "--rm", "--network", "none", .. mountArgs, fixture.Image, "sh", "-c",
        "cat /data/top.txt /data/sub/inner.txt; echo; touch /data/new 2>&1 || true; touch /data/sub/new 2>&1 && echo sub-written || true"]);

    private const string TopRefused = "topinner\ntouch: /data/new: Read-only file system\n";

    [Fact]
    public async Task A_ro_bind_is_read_only_in_its_submounts_too()
    {
        using var host = new HostDirectoryWithSubmount();
        Assert.Equal(TopRefused + "touch: /data/sub/new: Read-only file system", await TryWrites("-v", host.Path + ":/data:ro"));
        Assert.Equal(TopRefused + "touch: /data/sub/new: Read-only file system",
            await TryWrites("--mount", $"type=bind,source={host.Path},target=/data,readonly"));
        Assert.Equal(TopRefused + "touch: /data/sub/new: Read-only file system",
            await TryWrites("--mount", $"type=bind,source={host.Path},target=/data,readonly,bind-recursive=readonly,bind-propagation=rprivate"));
        Assert.False(File.Exists(Path.Combine(host.Path, "sub", "new")));
    }

    [Fact]
    public async Task Bind_recursive_writable_leaves_the_submounts_writable()
    {
        using var host = new HostDirectoryWithSubmount();
        var mount = $"type=bind,source={host.Path},target=/data,readonly,bind-recursive=writable";
        Assert.Equal(TopRefused + "sub-written", await TryWrites("--mount", mount));
        Assert.True(File.Exists(Path.Combine(host.Path, "sub", "new")));
        Assert.False(File.Exists(Path.Combine(host.Path, "new")));

        var id = await Cli.Ok("create", "--mount", mount, fixture.Image, "true");
        try
        {
            Assert.Equal("true false", await Cli.Inspect(id, "{{range .HostConfig.Mounts}}{{.BindOptions.ReadOnlyNonRecursive}} {{.BindOptions.ReadOnlyForceRecursive}}{{end}}"));
        }
        finally { await Cli.Ok("rm", "-f", id); }
    }

    [Fact]
    public async Task Bind_recursive_disabled_does_not_carry_the_submounts()
    {
        using var host = new HostDirectoryWithSubmount();
        // The tmpfs on sub stays behind: the container sees the empty directory under it.
        Assert.Equal("top 0", await Cli.Ok("run", "--rm", "--network", "none", "--mount", $"type=bind,source={host.Path},target=/data,bind-recursive=disabled",
            fixture.Image, "sh", "-c", "echo $(cat /data/top.txt) $(ls -A /data/sub | wc -l)"));
        Assert.Equal("top 1", await Cli.Ok("run", "--rm", "--network", "none", "--mount", $"type=bind,source={host.Path},target=/data",
            fixture.Image, "sh", "-c", "echo $(cat /data/top.txt) $(ls -A /data/sub | wc -l)"));
    }

    [Fact]
    public async Task A_client_before_API_1_44_gets_read_only_binds_that_are_read_only_at_the_top_only()
    {
        using var host = new HostDirectoryWithSubmount();
        var body = new JsonObject
        {
            ["Image"] = fixture.Image,
            ["Cmd"] = new JsonArray("sh", "-c", "touch /data/new 2>&1 || true; touch /data/sub/new 2>&1 && echo sub-written || true"),
            ["HostConfig"] = new JsonObject { ["NetworkMode"] = "none", ["Binds"] = new JsonArray(host.Path + ":/data:ro") },
        }.ToJsonString();
        var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/v1.43/containers/create", body);
        Assert.Equal(201, r.Status);
        var id = JsonNode.Parse(r.Body)!["Id"]!.GetValue<string>();
        try
        {
            Assert.Equal("touch: /data/new: Read-only file system\nsub-written", await Cli.Ok("start", "-a", id));
        }
        finally { await Cli.Ok("rm", "-f", id); }

        var force = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/v1.43/containers/create", MountBody(host.Path, true, false, true));
        Assert.Equal(400, force.Status);
        Assert.Contains("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer", force.Body);
    }

    private string MountBody(string source, bool readOnly, bool nonRecursive, bool forceRecursive) => new JsonObject
    {
        ["Image"] = fixture.Image,
        ["HostConfig"] = new JsonObject
        {
            ["Mounts"] = new JsonArray(new JsonObject
            {
                ["Type"] = "bind", ["Source"] = source, ["Target"] = "/data", ["ReadOnly"] = readOnly,
                ["BindOptions"] = new JsonObject { ["ReadOnlyNonRecursive"] = nonRecursive, ["ReadOnlyForceRecursive"] = forceRecursive },
            }),
        },
    }.ToJsonString();

    [Theory]
    [InlineData(false, true, false, "mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive")]
    [InlineData(false, false, true, "mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive")]
    [InlineData(true, true, true, "mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive")]
    public async Task Conflicting_recursion_options_are_a_400(bool readOnly, bool nonRecursive, bool forceRecursive, string message)
    {
        // The CLI refuses these itself: the API is asked directly, as another client could.
        using var host = new TempDirectory();
        var body = MountBody(host.Path, readOnly, nonRecursive, forceRecursive);
        var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/v1.47/containers/create", body);
        Assert.Equal(400, r.Status);
        Assert.Contains(message, r.Body);
        Assert.Equal("", await Cli.Ok("ps", "-aq"));
    }
}
