using System.Text.Json;
using System.Text.RegularExpressions;

namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// <c>GET /system/df</c> through <c>docker system df</c> (and <c>-v</c>) and raw: images, containers with their writable
/// layer's size, volumes with their size and users, the <c>type</c> parameter. The class has its engine to itself, so
/// the totals are exact.
/// </summary>
public sealed class SystemDfTests(VolumeMountFixture fixture) : IClassFixture<VolumeMountFixture>
{
    private EngineDocker Cli => new(fixture.Engine);
    private string Image => fixture.Image;

    [Fact]
    public async Task Docker_system_df_shows_a_volume_with_its_size_and_users_and_a_container_with_its_writable_layer()
    {
        var volume = "df-" + Guid.NewGuid().ToString("N")[..12];
        await Cli.Ok("pull", "-q", Image);
        var id = await Cli.Ok("run", "-d", "--network", "none", "-v", volume + ":/data", Image, "sh", "-c",
            "dd if=/dev/zero of=/data/f bs=1024 count=1024 2>/dev/null; ln /data/f /data/g; dd if=/dev/zero of=/big bs=1024 count=2048 2>/dev/null; touch /done; exec sleep 1000");
        try
        {
            await Poll.UntilAsync(async () => (await Cli.Ok("exec", id, "ls", "/")).Contains("done"), "the container to write its files");
            // 1 MiB in the volume, its second link not counted again; 2 MiB in the container's writable layer.
            var verbose = (await Cli.Ok("system", "df", "-v")).Split('\n');
            Assert.Contains(verbose, l => Regex.IsMatch(l, $@"^{volume}\s+1\s+1\.049MB$"));
            Assert.Contains(verbose, l => l.StartsWith(id[..12]) && Regex.IsMatch(l, @"\s2\.1\d+MB\s"));
            var repository = Image[..Image.LastIndexOf(':')];
            Assert.Contains(verbose, l => Regex.IsMatch(l, $@"^{Regex.Escape(repository)}\s+1\.0\s+[0-9a-f]{{12}}\s.*\s0B\s+2\.\d+MB\s+1$"));

            var summary = await Cli.Ok("system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}");
            var rows = summary.Split('\n').ToDictionary(r => r.Split('|')[0]);
            Assert.Matches(@"^Images\|1\|1\|2\.\d+MB\|0B \(0%\)$", rows["Images"]);
            Assert.Matches(@"^Containers\|1\|1\|2\.1\d+MB\|0B \(0%\)$", rows["Containers"]);
            Assert.Equal("Local Volumes|1|1|1.049MB|0B (0%)", rows["Local Volumes"]);
            Assert.Equal("Build Cache|0|0|0B|0B", rows["Build Cache"]);
        }
        finally { await Cli.Ok("rm", "-f", id); }
        var after = (await Cli.Ok("system", "df", "-v")).Split('\n');
        Assert.Contains(after, l => Regex.IsMatch(l, $@"^{volume}\s+0\s+1\.049MB$"));
        Assert.Equal("Local Volumes|1|0|1.049MB|1.049MB (100%)", await Cli.Ok("system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}")
            .ContinueWith(t => t.Result.Split('\n').Single(r => r.StartsWith("Local Volumes"))));
        await Cli.Ok("volume", "rm", volume);
    }

    [Fact]
    public async Task The_type_parameter_limits_the_answer_and_an_unknown_type_is_a_400()
    {
        var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Get, "/v1.47/system/df?type=volume");
        Assert.Equal(200, r.Status);
        using (var body = JsonDocument.Parse(r.Body))
        {
            var root = body.RootElement;
            Assert.Equal(JsonValueKind.Array, root.GetProperty("Volumes").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("Images").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("Containers").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("BuildCache").ValueKind);
        }
        r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Get, "/v1.47/system/df?type=image&type=build-cache");
        using (var body = JsonDocument.Parse(r.Body))
        {
            Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Images").ValueKind);
            Assert.Equal(0, body.RootElement.GetProperty("BuildCache").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("Volumes").ValueKind);
        }
        // Before API 1.42 the parameter is ignored: everything.
        r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Get, "/v1.41/system/df?type=volume");
        using (var body = JsonDocument.Parse(r.Body)) Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Containers").ValueKind);
        r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Get, "/v1.47/system/df?type=disk");
        Assert.Equal((400, "unknown object type: disk"), (r.Status, JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetString()));
    }
}
