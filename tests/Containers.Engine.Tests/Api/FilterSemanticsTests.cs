using System.Text.Json;
using Containers.Engine.Tests.Images;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>
/// Docker's filter semantics on the real engine: several <c>label</c> terms must all hold (they were OR-ed for containers,
/// events and volumes), <c>label=key</c> means the key exists, and a key a feature does not know is refused.
/// </summary>
public sealed class FilterSemanticsTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private EngineProcess Engine => fixture.Engine;

    private static string Filters(params string[] labels) => Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = labels }));

    private async Task<JsonElement> GetJson(string path)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, path);
        Assert.True(r.Status == 200, $"{r.Status} {r.Body}");
        return JsonDocument.Parse(r.Body).RootElement.Clone();
    }

    private async Task<string> CreateContainer(string name, Dictionary<string, string> labels)
    {
        var body = JsonSerializer.Serialize(new { Image = fixture.PlainImage, Cmd = new[] { "true" }, Labels = labels });
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, "/containers/create?name=" + name, body);
        if (r.Status == 404)
        {
            // The image is pulled once for the class; create does not pull by itself.
            await DockerCli.RunOkAsync("unix://" + Engine.SocketPath, "pull", fixture.PlainImage);
            r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, "/containers/create?name=" + name, body);
        }
        Assert.True(r.Status == 201, $"{r.Status} {r.Body}");
        return JsonDocument.Parse(r.Body).RootElement.GetProperty("Id").GetString()!;
    }

    [Fact]
    public async Task Container_list_needs_every_label_term()
    {
        var key = "k" + Guid.NewGuid().ToString("N")[..8];
        var onlyA = await CreateContainer(key + "-a", new() { [key + ".a"] = "1" });
        var both = await CreateContainer(key + "-ab", new() { [key + ".a"] = "1", [key + ".b"] = "2" });

        async Task<List<string>> Ids(params string[] labels) =>
            (await GetJson($"/containers/json?all=1&filters={Filters(labels)}")).EnumerateArray().Select(c => c.GetProperty("Id").GetString()!).ToList();

        Assert.Equal([both], await Ids($"{key}.a=1", $"{key}.b=2"));
        Assert.Equal([both], await Ids($"{key}.a", $"{key}.b"));
        Assert.Equal([both, onlyA], await Ids($"{key}.a=1")); // newest first
        Assert.Empty(await Ids($"{key}.a=1", $"{key}.b=3"));

        // Prune applies the same rule: only the container with both labels goes.
        var pruned = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, $"/containers/prune?filters={Filters($"{key}.a=1", $"{key}.b=2")}");
        Assert.Equal(200, pruned.Status);
        Assert.Equal([both], JsonDocument.Parse(pruned.Body).RootElement.GetProperty("ContainersDeleted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([onlyA], await Ids($"{key}.a=1"));
    }

    [Fact]
    public async Task Events_need_every_label_term()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();
        var key = "e" + Guid.NewGuid().ToString("N")[..8];
        await CreateContainer(key + "-a", new() { [key + ".a"] = "1" });
        var both = await CreateContainer(key + "-ab", new() { [key + ".a"] = "1", [key + ".b"] = "2" });
        var until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds();

        async Task<List<string>> Actors(params string[] labels)
        {
            var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, $"/events?since={since}&until={until}&filters={Filters(labels)}");
            Assert.Equal(200, r.Status);
            return r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Actor").GetProperty("ID").GetString()!).ToList();
        }

        Assert.Equal([both], await Actors($"{key}.a=1", $"{key}.b=2"));
        Assert.Equal(2, (await Actors($"{key}.a=1")).Count);
        Assert.Empty(await Actors($"{key}.a=1", $"{key}.b=3"));
    }

    [Fact]
    public async Task Volume_list_and_prune_need_every_label_term()
    {
        using var client = Engine.CreateClient();
        var key = "v" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateVolumeAsync(new() { Name = key + "-a", Labels = new() { [key + ".a"] = "1" } });
        await client.CreateVolumeAsync(new() { Name = key + "-ab", Labels = new() { [key + ".a"] = "1", [key + ".b"] = "2" } });

        async Task<List<string>> Names(params string[] labels) =>
            (await GetJson($"/volumes?filters={Filters(labels)}")).GetProperty("Volumes").EnumerateArray().Select(v => v.GetProperty("Name").GetString()!).ToList();

        Assert.Equal([key + "-ab"], await Names($"{key}.a=1", $"{key}.b=2"));
        Assert.Equal([key + "-ab"], await Names($"{key}.b"));
        Assert.Equal([key + "-a", key + "-ab"], await Names($"{key}.a=1"));
        Assert.Empty(await Names($"{key}.a=1", $"{key}.b=3"));

        var filters = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["all"] = ["true"], ["label"] = [$"{key}.a=1", $"{key}.b=2"] }));
        var pruned = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Post, $"/volumes/prune?filters={filters}");
        Assert.Equal(200, pruned.Status);
        Assert.Equal([key + "-ab"], JsonDocument.Parse(pruned.Body).RootElement.GetProperty("VolumesDeleted").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/containers/json?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D", "invalid filter 'colour'")]
    [InlineData("/volumes?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D", "invalid filter 'colour'")]
    [InlineData("/images/json?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D", "invalid filter 'colour'")]
    [InlineData("/images/json?filters=%7B%22dangling%22%3A%5B%22maybe%22%5D%7D", "invalid filter 'dangling=maybe'")]
    [InlineData("/volumes?filters=%7B%22dangling%22%3A%5B%22maybe%22%5D%7D", "invalid filter 'dangling=maybe'")]
    public async Task Unknown_keys_and_bad_values_are_refused_with_Dockers_message(string path, string message)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, path);
        Assert.Equal(400, r.Status);
        Assert.Equal(message, SystemApiTests.Message(r));
    }

    [Fact]
    public async Task The_events_stream_sends_its_headers_before_any_event()
    {
        using var http = RawHttp.Create(Engine.SocketPath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // No network events ever happen here, so nothing but the headers can arrive.
        var filters = Uri.EscapeDataString("""{"type":["network"]}""");
        using var response = await http.GetAsync($"/events?filters={filters}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
