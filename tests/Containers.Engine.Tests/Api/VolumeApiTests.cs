using Containers.Api;
using Containers.Client;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>Volumes, and through them the JSON-body error shapes (400 with position, 404, 409, 413).</summary>
public sealed class VolumeApiTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private EngineProcess Engine => fixture.Engine;

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Create_inspect_list_remove_round_trip()
    {
        using var client = Engine.CreateClient();
        var name = Unique("data");
        var created = await client.CreateVolumeAsync(new VolumeCreateRequest { Name = name, Labels = new() { ["team"] = "a" } });
        Assert.Equal(name, created.Name);
        Assert.Equal("local", created.Driver);
        Assert.Equal(Path.Combine(Engine.DataRoot, "volumes", name, "_data"), created.Mountpoint);
        Assert.True(Directory.Exists(created.Mountpoint));

        var inspected = await client.GetVolumeAsync(name);
        Assert.Equal("a", inspected.Labels["team"]);
        Assert.Contains(await client.ListVolumesAsync(), v => v.Name == name);

        await client.RemoveVolumeAsync(name);
        Assert.False(Directory.Exists(created.Mountpoint));
        var e = await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.GetVolumeAsync(name));
        Assert.Equal($"get {name}: no such volume", e.Message);
    }

    [Fact]
    public async Task Force_removal_of_a_missing_volume_succeeds_as_docker_volume_rm_f_does()
    {
        using var client = Engine.CreateClient();
        var name = Unique("missing");
        var e = await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.RemoveVolumeAsync(name));
        Assert.Equal($"get {name}: no such volume", e.Message);
        await client.RemoveVolumeAsync(name, force: true);

        await client.CreateVolumeAsync(new VolumeCreateRequest { Name = name });
        await client.RemoveVolumeAsync(name, force: true);
        Assert.DoesNotContain(await client.ListVolumesAsync(), v => v.Name == name);
    }

    [Fact]
    public async Task Creating_an_existing_volume_returns_it_and_other_options_conflict()
    {
        using var client = Engine.CreateClient();
        var name = Unique("same");
        var opts = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs" };
        var first = await client.CreateVolumeAsync(new() { Name = name, DriverOpts = opts });
        var again = await client.CreateVolumeAsync(new() { Name = name });
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        var e = await Assert.ThrowsAsync<ContainersConflictException>(() =>
            client.CreateVolumeAsync(new() { Name = name, DriverOpts = new() { ["type"] = "ext4", ["device"] = "/dev/null" } }));
        Assert.Equal($"volume {name} already exists with different options", e.Message);
    }

    [Fact]
    public async Task An_unnamed_volume_is_anonymous_and_pruned_by_default()
    {
        using var client = Engine.CreateClient();
        var anonymous = await client.CreateVolumeAsync(new());
        Assert.Matches("^[0-9a-f]{64}$", anonymous.Name);
        var named = await client.CreateVolumeAsync(new() { Name = Unique("keep") });
        var pruned = await client.PruneVolumesAsync();
        Assert.Contains(anonymous.Name, pruned.VolumesDeleted);
        Assert.DoesNotContain(named.Name, pruned.VolumesDeleted);
        await client.GetVolumeAsync(named.Name);
    }

    [Theory]
    [InlineData("""{"Name": "a",, }""", "malformed JSON body at line 1, position 14")]
    [InlineData("""{"Name": 5}""", "malformed JSON body at line 1, position 11 (field $.Name): the value has the wrong type for this field")]
    [InlineData("{\n  \"Name\": \"ok\",\n  \"Labels\": [1]\n}", "malformed JSON body at line 3, position 14 (field $.Labels)")]
    [InlineData("not json", "malformed JSON body at line 1, position 2")]
    public async Task Malformed_json_gets_a_400_naming_the_position(string body, string message)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, "/v1.47/volumes/create", body);
        Assert.Equal(400, r.Status);
        Assert.StartsWith(message, SystemApiTests.Message(r));
    }

    [Theory]
    [InlineData("""{"Name": "bad/name"}""", 400, "\"bad/name\" includes invalid characters for a local volume name")]
    [InlineData("""{"Name": "x", "DriverOpts": {"bogus": "1"}}""", 400, "invalid option: \"bogus\"")]
    [InlineData("""{"Name": "xy", "Driver": "nfs-plugin"}""", 404, "plugin \"nfs-plugin\" not found")]
    public async Task Invalid_values_are_refused_with_a_clear_message(string body, int status, string message)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, "/volumes/create", body);
        Assert.Equal(status, r.Status);
        Assert.Contains(message, SystemApiTests.Message(r));
    }

    [Fact]
    public async Task A_wrong_content_type_is_a_400()
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, "/volumes/create", "<xml/>", "application/xml");
        Assert.Equal(400, r.Status);
        Assert.Contains("expected application/json", SystemApiTests.Message(r));
    }

    [Fact]
    public async Task An_oversized_body_gets_a_413()
    {
        // The engine answers as soon as it sees the Content-Length, so send only the headers and read the answer.
        var (status, body) = await RawHttp.SendHeadersOnlyAsync(Engine.SocketPath, "POST", "/volumes/create", contentLength: 5 * 1024 * 1024);
        Assert.Equal(413, status);
        Assert.Contains("{\"message\":\"request body too large\"}", body);
    }

    [Theory]
    [InlineData("/volumes?filters=notjson", "invalid filters")]
    [InlineData("/volumes?filters=%7B%22color%22%3A%5B%22red%22%5D%7D", "invalid filter 'color'")]
    [InlineData("/volumes?filters=%5B1%5D", "invalid filters: expected a JSON object")]
    public async Task Bad_filters_are_a_400(string path, string message)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, path);
        Assert.Equal(400, r.Status);
        Assert.Contains(message, SystemApiTests.Message(r));
    }

    [Fact]
    public async Task List_filters_by_name_and_label()
    {
        using var client = Engine.CreateClient();
        var tag = Unique("lbl");
        var a = await client.CreateVolumeAsync(new() { Name = Unique("fa"), Labels = new() { [tag] = "1" } });
        await client.CreateVolumeAsync(new() { Name = Unique("fb") });
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, "/volumes?filters=" + Uri.EscapeDataString($"{{\"label\":[\"{tag}=1\"]}}"));
        Assert.Equal(200, r.Status);
        var list = System.Text.Json.JsonSerializer.Deserialize(r.Body, ApiJson.Context.VolumeListResponse)!;
        Assert.Equal([a.Name], list.Volumes.Select(v => v.Name));
    }

    [Fact]
    public async Task A_volume_record_survives_a_killed_engine_and_half_created_leftovers_are_removed()
    {
        using var dir = new TempDirectory();
        var engineDir = Path.Combine(dir, "e");
        var engine = await EngineProcess.StartInAsync(engineDir, []);
        using (var client = engine.CreateClient()) await client.CreateVolumeAsync(new() { Name = "durable" });
        engine.Signal(Posix.SIGKILL);
        await engine.StopAsync();
        // What a crash between mkdir and the record write leaves behind:
        Directory.CreateDirectory(Path.Combine(engineDir, "data", "volumes", "halfmade", "_data"));

        await using var again = await EngineProcess.StartInAsync(engineDir, []);
        using var client2 = again.CreateClient();
        Assert.Equal(["durable"], (await client2.ListVolumesAsync()).Select(v => v.Name));
        Assert.False(Directory.Exists(Path.Combine(engineDir, "data", "volumes", "halfmade")));
    }
}
