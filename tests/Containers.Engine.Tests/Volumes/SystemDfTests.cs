using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Images.Tests.Infrastructure;

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
    public async Task A_layer_two_images_share_is_counted_once_in_LayersSize_and_as_shared_in_each()
    {
        // Two images on the same busybox layer, one with a layer of its own.
        using var smallLayout = new TempDirectory();
        using var largeLayout = new TempDirectory();
        var busyboxLayer = OciImageBuilder.BusyboxLayer();
        OciImageBuilder.WriteLayout(smallLayout, "small", new ImageSpec([new LayerSpec(busyboxLayer)]));
        OciImageBuilder.WriteLayout(largeLayout, "large", new ImageSpec([new LayerSpec(busyboxLayer), new LayerSpec(OciImageBuilder.RandomLayer(100_000))]));
        var (small, large) = ($"{fixture.Registries.Plain.Host}/test/shared:small", $"{fixture.Registries.Plain.Host}/test/shared:large");
        Skopeo.Push(smallLayout, "small", small);
        Skopeo.Push(largeLayout, "large", large);
        await Cli.Ok("pull", "-q", small);
        await Cli.Ok("pull", "-q", large);
        try
        {
            var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Get, "/v1.47/system/df?type=image");
            using var body = JsonDocument.Parse(r.Body);
            var images = body.RootElement.GetProperty("Images").EnumerateArray().Where(i => i.GetProperty("RepoTags").GetArrayLength() > 0)
                .ToDictionary(i => i.GetProperty("RepoTags")[0].GetString()!, i => (Size: i.GetProperty("Size").GetInt64(), Shared: i.GetProperty("SharedSize").GetInt64(), Containers: i.GetProperty("Containers").GetInt32()));
            var (smallOne, largeOne) = (images[small], images[large]);
            // The small image is all shared; the large one shares exactly that layer; the shared layer counts once.
            Assert.Equal((smallOne.Size, smallOne.Size, 0, 0), (smallOne.Shared, largeOne.Shared, smallOne.Containers, largeOne.Containers));
            Assert.True(largeOne.Size > smallOne.Size);
            var others = images.Where(i => i.Key != small && i.Key != large).Sum(i => i.Value.Size);
            Assert.Equal(largeOne.Size + others, body.RootElement.GetProperty("LayersSize").GetInt64());
        }
        finally { await Cli.Ok("rmi", small, large); }
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
