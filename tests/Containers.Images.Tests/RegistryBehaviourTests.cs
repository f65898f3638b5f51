using System.Text;
using System.Text.Json.Nodes;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Misbehaving and special registries: tampering, down, concurrency, schema1, huge manifests, mirrors, foreign layers.</summary>
[Collection("registry")]
public sealed class RegistryBehaviourTests(RegistryFixture fx)
{
    private static ImageSpec TwoLayers(byte[]? sharedBase = null) =>
        new([new LayerSpec(sharedBase ?? OciImageBuilder.BusyboxLayer()), new LayerSpec(OciImageBuilder.RandomLayer(256 * 1024))]);

    private string Push(string repo, ImageSpec spec, string tag = "v1", RegistryInstance? registry = null, params string[] args)
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, tag, spec);
        Skopeo.Push(layout.Path, tag, $"{(registry ?? fx.Plain).Host}/{repo}:{tag}", args);
        return $"{repo}:{tag}";
    }

    [Fact]
    public async Task Tampered_blob_fails_the_pull_and_nothing_is_committed()
    {
        string repoTag = Push("tampered", TwoLayers());
        using var proxy = new TestProxy(fx.Plain.Host);
        using var engine = new Engine();
        var manifest = (await engine.Registry.GetManifestAsync(ImageReference.Parse($"{fx.Plain.Host}/{repoTag}"), "v1")).Parsed.Manifest!;
        string victim = manifest.Layers[1].Digest;
        proxy.Tamper = path => path.EndsWith("/blobs/" + victim, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<DigestMismatchException>(() => engine.PullAsync($"{proxy.Host}/{repoTag}"));
        Assert.Contains(victim, ex.Message);
        Assert.False(engine.Content.Exists(Digest.Parse(victim)));
        Assert.False(File.Exists(engine.Content.IngestPath(Digest.Parse(victim))));
        Assert.False(engine.Unpacker.HasLayer(Digest.Parse(victim).ToString()));
        Assert.Empty(engine.Images.List(all: true));

        // The failed pull left verified but unreferenced blobs (manifest, config, the good layer); GC removes them.
        Assert.NotEmpty(engine.Content.ListBlobs());
        Assert.True(engine.Images.CollectUnreferencedBlobs() > 0);
        Assert.Empty(engine.Content.ListBlobs());

        // Without the tampering the same engine completes the pull, and GC keeps everything it uses.
        proxy.Tamper = _ => false;
        var ok = await engine.PullAsync($"{proxy.Host}/{repoTag}");
        Assert.True(engine.Content.Exists(Digest.Parse(victim)));
        Assert.Equal(2, ok.Image.Layers.Count);
        Assert.Equal(0, engine.Images.CollectUnreferencedBlobs());
    }

    [Fact]
    public async Task Registry_that_is_down_gives_a_clear_error()
    {
        int closedPort = FreePort.Get();
        using var engine = new Engine(new RegistryOptions { MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        var ex = await Assert.ThrowsAsync<RegistryUnavailableException>(() => engine.PullAsync($"127.0.0.1:{closedPort}/app:v1"));
        Assert.Contains($"127.0.0.1:{closedPort}", ex.Message);
        Assert.Contains("not reachable", ex.Message);
        Assert.Contains("Connection refused", ex.Message);
    }

    [Fact]
    public async Task Concurrent_pulls_of_one_image_and_of_images_sharing_a_layer_download_each_blob_once()
    {
        var baseLayer = OciImageBuilder.BusyboxLayer();
        var a = TwoLayers(baseLayer);
        var b = TwoLayers(baseLayer);
        string refA = Push("shared-a", a);
        string refB = Push("shared-b", b);
        using var proxy = new TestProxy(fx.Plain.Host) { BytesPerSecond = 4 * 1024 * 1024 }; // keep downloads overlapping
        using var engine = new Engine();

        var pulls = new[]
        {
            engine.PullAsync($"{proxy.Host}/{refA}"),
            engine.PullAsync($"{proxy.Host}/{refA}"),
            engine.PullAsync($"{proxy.Host}/{refB}"),
        };
        var results = await Task.WhenAll(pulls);

        Assert.Equal(results[0].Image.Id, results[1].Image.Id);
        string baseDigest = results[0].Image.Layers[0].Digest;
        Assert.Equal(baseDigest, results[2].Image.Layers[0].Digest);
        var blobGets = proxy.Requests.Where(r => r.Method == "GET" && r.Path.Contains("/blobs/")).GroupBy(r => r.Path[(r.Path.LastIndexOf('/') + 1)..]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var layer in results.SelectMany(r => r.Image.Layers).DistinctBy(l => l.Digest))
            Assert.Equal(1, blobGets[layer.Digest]);
        Assert.Equal(1, blobGets[baseDigest]);
        Assert.Equal(3, engine.Unpacker.UnpackedCount); // base once, two top layers
    }

    [Fact]
    public async Task Schema1_manifest_is_refused_with_a_clear_message()
    {
        using var legacy = new RegistryInstance(schema1: true);
        Push("legacy", TwoLayers(), registry: legacy, args: ["--format", "v2s1"]);
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<UnsupportedManifestException>(() => engine.PullAsync($"{legacy.Host}/legacy:v1"));
        Assert.Contains("schema 1", ex.Message);
        Assert.Contains("not supported", ex.Message);
        Assert.Contains($"{legacy.Host}/legacy:v1", ex.Message);
        Assert.Empty(engine.Images.List(all: true));
    }

    [Fact]
    public async Task Manifest_larger_than_4_MiB_is_refused()
    {
        string repoTag = Push("huge", TwoLayers());
        using var proxy = new TestProxy(fx.Plain.Host);
        var big = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.OciConfig, ["digest"] = "sha256:" + new string('a', 64), ["size"] = 1 },
            ["layers"] = new JsonArray(),
            ["annotations"] = new JsonObject { ["padding"] = new string('x', 4 * 1024 * 1024 + 10) },
        };
        proxy.Override = path => path.Contains("/manifests/") ? (MediaTypes.OciManifest, Encoding.UTF8.GetBytes(big.ToJsonString())) : null;
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<UnsupportedManifestException>(() => engine.PullAsync($"{proxy.Host}/{repoTag}"));
        Assert.Contains("larger than the 4194304 byte limit", ex.Message);
    }

    [Fact]
    public async Task Docker_hub_references_are_served_by_the_configured_mirror()
    {
        // docker.io/library/mirrored:v1 lives only on the mirror (this machine has no internet).
        Push("library/mirrored", TwoLayers());
        using var engine = new Engine(new RegistryOptions { Mirrors = [new Uri($"http://{fx.Plain.Host}")], RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        var result = await engine.PullAsync("mirrored:v1");
        Assert.Equal("docker.io/library/mirrored:v1", result.Reference.ToString());
        Assert.Equal(["mirrored:v1"], engine.Images.Summarize(result.Image).RepoTags);
    }

    [Fact]
    public async Task Mirror_without_the_image_falls_back_to_docker_hub()
    {
        using var proxy = new TestProxy(fx.Plain.Host);
        using var engine = new Engine(new RegistryOptions { Mirrors = [new Uri($"http://{proxy.Host}")], MaxAttempts = 1, ConnectTimeout = TimeSpan.FromSeconds(5) });
        var ex = await Assert.ThrowsAnyAsync<RegistryException>(() => engine.PullAsync("not-on-the-mirror:v1"));
        // The mirror was asked first; then the origin (unreachable from this sandbox) was tried and named.
        Assert.Contains(proxy.Requests, r => r.Path == "/v2/library/not-on-the-mirror/manifests/v1");
        Assert.Contains("registry-1.docker.io", ex.Message);
    }

    [Fact]
    public async Task Non_distributable_layer_is_fetched_from_its_urls()
    {
        // The foreign layer's bytes live in another repository; the manifest only points at them by URL.
        var foreignTar = OciImageBuilder.RandomLayer(32 * 1024);
        var carrier = new ImageSpec([new LayerSpec(foreignTar)]);
        Push("foreign-carrier", carrier);
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(foreignTar)]));
        var manifestPath = Path.Combine(layout.Path, "index.json");
        var index = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        string manifestDigest = index["manifests"]![0]!["digest"]!.GetValue<string>();
        var manifest = JsonNode.Parse(RegistryPusher.ReadBlob(layout.Path, manifestDigest))!;
        var foreign = manifest["layers"]![1]!;
        foreign["mediaType"] = MediaTypes.OciLayerNondistributableGzip;
        // The layout's gzip of the same tar is byte-identical (deterministic compressor), so the digest matches the carrier's blob.
        foreign["urls"] = new JsonArray($"http://{fx.Plain.Host}/v2/foreign-carrier/blobs/{foreign["digest"]!.GetValue<string>()}");
        using var http = new HttpClient();
        foreach (var d in new[] { manifest["layers"]![0]!, manifest["config"]! })
            await RegistryPusher.PushBlobAsync(http, fx.Plain.Host, "foreign-user", d["digest"]!.GetValue<string>(), RegistryPusher.ReadBlob(layout.Path, d["digest"]!.GetValue<string>()));
        await RegistryPusher.PutManifestAsync(http, fx.Plain.Host, "foreign-user", "v1", Encoding.UTF8.GetBytes(manifest.ToJsonString()), MediaTypes.OciManifest);

        // The registry itself does not have the blob in this repository: only the URL can serve it.
        using (var missing = await http.GetAsync($"http://{fx.Plain.Host}/v2/foreign-user/blobs/{foreign["digest"]!.GetValue<string>()}"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        using var engine = new Engine();
        var result = await engine.PullAsync($"{fx.Plain.Host}/foreign-user:v1");
        Assert.Equal(MediaTypes.OciLayerNondistributableGzip, result.Image.Layers[1].MediaType);
        Assert.True(engine.Unpacker.HasLayer(result.Image.Layers[1].ChainId));
    }
}
