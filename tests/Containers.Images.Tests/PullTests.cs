using System.Text.Json.Nodes;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.Pull;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Pulls of images pushed by skopeo into a real docker-registry, one per manifest kind and layer type.</summary>
[Collection("registry")]
public sealed class PullTests(RegistryFixture fx)
{
    private static ImageSpec ThreeLayerImage(LayerCompressionKind kind = LayerCompressionKind.Gzip, string arch = "amd64", string? variant = null) =>
        new([new LayerSpec(OciImageBuilder.BusyboxLayer(), kind), new LayerSpec(OciImageBuilder.WhiteoutLayer(), kind), new LayerSpec(OciImageBuilder.RandomLayer(64 * 1024), kind)], arch, variant)
        {
            ContainerConfig = new JsonObject
            {
                ["User"] = "1000:1000",
                ["Env"] = new JsonArray("PATH=/bin", "GREETING=hello"),
                ["Entrypoint"] = new JsonArray("/bin/sh", "-c"),
                ["Cmd"] = new JsonArray("echo $GREETING"),
                ["WorkingDir"] = "/work",
                ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() },
                ["Volumes"] = new JsonObject { ["/data"] = new JsonObject() },
                ["Labels"] = new JsonObject { ["org.example.kind"] = "test", ["arch"] = arch },
                ["StopSignal"] = "SIGTERM",
                ["Healthcheck"] = new JsonObject { ["Test"] = new JsonArray("CMD", "true"), ["Interval"] = 5_000_000_000L, ["Retries"] = 3 },
            },
        };

    private string Push(string repo, string tag, ImageSpec[] specs, params string[] skopeoArgs)
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, tag, specs);
        Skopeo.Push(layout.Path, tag, $"{fx.Plain.Host}/{repo}:{tag}", skopeoArgs);
        return $"{fx.Plain.Host}/{repo}:{tag}";
    }

    private static void AssertImageComplete(Engine engine, PullResult result, ImageSpec spec)
    {
        var image = result.Image;
        Assert.Equal(spec.Layers.Select(l => l.DiffId), image.Config.RootFs.DiffIds);
        Assert.Equal(ChainId.Compute(image.Config.RootFs.DiffIds), image.Layers.Select(l => l.ChainId));
        foreach (var l in image.Layers)
        {
            Assert.True(engine.Unpacker.HasLayer(l.ChainId));
            Assert.True(engine.Content.Exists(Digest.Parse(l.Digest)));
        }
        Assert.Equal(spec.Layers.Sum(l => (long)l.Tar.Length), image.Size);
        Assert.True(engine.Content.Exists(Digest.Parse(image.Id)));
        Assert.True(engine.Content.Exists(Digest.Parse(image.ManifestDigest)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(engine.Content.Root, "ingest")));
    }

    [Theory]
    [InlineData(LayerCompressionKind.Gzip, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompressionKind.Zstd, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompressionKind.None, MediaTypes.OciLayer)]
    public async Task Pulls_oci_manifest_with_each_layer_compression(LayerCompressionKind kind, string mediaType)
    {
        var spec = ThreeLayerImage(kind);
        string repo = "oci-" + kind.ToString().ToLowerInvariant();
        string reference = $"{fx.Plain.Host}/{repo}:v1";
        using (var layout = new TempDir())
        {
            OciImageBuilder.WriteLayout(layout.Path, "v1", spec);
            if (kind == LayerCompressionKind.None)
                await RegistryPusher.PushAsync(layout.Path, "v1", fx.Plain.Host, repo); // skopeo would gzip it
            else
                Skopeo.Push(layout.Path, "v1", reference);
        }
        using var engine = new Engine();
        var result = await engine.PullAsync(reference);

        Assert.Equal(MediaTypes.OciManifest, result.Image.ManifestMediaType);
        Assert.All(result.Image.Layers, l => Assert.Equal(mediaType, l.MediaType));
        AssertImageComplete(engine, result, spec);
        Assert.Equal(3, engine.Unpacker.UnpackedCount);
    }

    [Fact]
    public async Task Pulls_docker_schema2_manifest_and_records_config_tags_and_digests()
    {
        var spec = ThreeLayerImage();
        string reference = Push("docker-v2s2", "1.0", [spec], "--format", "v2s2");
        using var engine = new Engine();
        var result = await engine.PullAsync(reference);

        Assert.Equal(MediaTypes.DockerManifest, result.Image.ManifestMediaType);
        Assert.All(result.Image.Layers, l => Assert.Equal(MediaTypes.DockerLayerGzip, l.MediaType));
        AssertImageComplete(engine, result, spec);

        var cfg = result.Image.Config.Config!;
        Assert.Equal("1000:1000", cfg.User);
        Assert.Equal(["PATH=/bin", "GREETING=hello"], cfg.Env!);
        Assert.Equal(["/bin/sh", "-c"], cfg.Entrypoint!);
        Assert.Equal(["echo $GREETING"], cfg.Cmd!);
        Assert.Equal("/work", cfg.WorkingDir);
        Assert.Contains("8080/tcp", cfg.ExposedPorts!.Keys);
        Assert.Contains("/data", cfg.Volumes!.Keys);
        Assert.Equal("test", cfg.Labels!["org.example.kind"]);
        Assert.Equal("SIGTERM", cfg.StopSignal);
        Assert.Equal(["CMD", "true"], cfg.Healthcheck!.Test!);
        Assert.Equal(5_000_000_000L, cfg.Healthcheck.Interval);
        Assert.Equal(4, result.Image.Config.History!.Count);

        var summary = engine.Images.Summarize(result.Image);
        Assert.Equal([$"{fx.Plain.Host}/docker-v2s2:1.0"], summary.RepoTags);
        Assert.Equal([$"{fx.Plain.Host}/docker-v2s2@{result.ManifestDigest}"], summary.RepoDigests);
        Assert.Null(engine.Images.Find("nope:latest"));
        Assert.Equal(result.Image.Id, engine.Images.Get(reference).Id);
        Assert.Equal(result.Image.Id, engine.Images.Get(result.Image.ShortId).Id);

        var history = engine.Images.History(reference);
        Assert.Equal("CMD [\"sh\"]", history[0].CreatedBy);
        Assert.Equal(4, history.Count);
        Assert.Equal(result.Image.Id, history[0].Id);
        Assert.Equal(0, history[0].Size); // the CMD entry is an empty layer
        Assert.Equal(result.Image.Layers[2].Size, history[1].Size);
        Assert.Equal("<missing>", history[3].Id);
    }

    [Fact]
    public async Task Progress_follows_docker_and_second_pull_is_up_to_date()
    {
        var spec = ThreeLayerImage();
        string reference = Push("progress", "latest", [spec]);
        using var engine = new Engine();
        var result = await engine.PullAsync(reference);

        var p = engine.Progress;
        Assert.Equal(new PullProgress("latest", "Pulling from progress"), p[0]);
        foreach (var layer in result.Image.Layers)
        {
            string id = Digest.Parse(layer.Digest).ShortHex;
            var statuses = p.Where(e => e.Id == id).Select(e => e.Status).ToList();
            Assert.Equal(PullProgress.PullingFsLayer, statuses[0]);
            Assert.Contains(PullProgress.Downloading, statuses);
            Assert.True(statuses.IndexOf(PullProgress.VerifyingChecksum) < statuses.IndexOf(PullProgress.DownloadComplete));
            Assert.True(statuses.IndexOf(PullProgress.DownloadComplete) < statuses.IndexOf(PullProgress.Extracting));
            Assert.Equal(PullProgress.PullComplete, statuses[^1]);
            var last = p.Last(e => e.Id == id && e.Status == PullProgress.Downloading);
            Assert.Equal(layer.Size, last.Current);
            Assert.Equal(layer.Size, last.Total);
        }
        Assert.Equal("Digest: " + result.ManifestDigest, p[^2].Status);
        Assert.Equal($"Status: Downloaded newer image for {fx.Plain.Host}/progress:latest", p[^1].Status);
        Assert.Contains("\"progressDetail\":{\"current\":", p.First(e => e.Status == PullProgress.Downloading).ToDockerJson());

        engine.Progress.Clear();
        var again = await engine.PullAsync(reference);
        Assert.False(again.Downloaded);
        Assert.Equal(3, engine.Progress.Count(e => e.Status == PullProgress.AlreadyExists));
        Assert.Equal($"Status: Image is up to date for {fx.Plain.Host}/progress:latest", engine.Progress[^1].Status);
        Assert.Equal(3, engine.Unpacker.UnpackedCount);
    }

    [Fact]
    public async Task Oci_index_selects_default_platform_and_platform_parameter()
    {
        var amd = ThreeLayerImage(arch: "amd64");
        var arm = ThreeLayerImage(arch: "arm64", variant: "v8");
        string reference = Push("multi", "v1", [amd, arm], "--all");

        using var engine = new Engine();
        var def = await engine.PullAsync(reference);
        Assert.Equal("amd64", def.Image.Config.Architecture);
        AssertImageComplete(engine, def, amd);

        var armResult = await engine.PullAsync(reference, new PullOptions { Platform = Platform.Parse("linux/arm64") });
        Assert.Equal("arm64", armResult.Image.Config.Architecture);
        AssertImageComplete(engine, armResult, arm);
        Assert.NotEqual(def.Image.Id, armResult.Image.Id);
        // The RepoDigest is the index digest, as with docker pull of a multi-arch image.
        Assert.Equal(def.ManifestDigest, armResult.ManifestDigest);
        Assert.NotEqual(def.ManifestDigest.ToString(), def.Image.ManifestDigest);

        var ex = await Assert.ThrowsAsync<PlatformNotFoundException>(() => engine.PullAsync(reference, new PullOptions { Platform = Platform.Parse("linux/s390x") }));
        Assert.Equal("no matching manifest for linux/s390x in the manifest list entries", ex.Message);
    }

    [Fact]
    public async Task Docker_manifest_list_is_pulled()
    {
        var amd = ThreeLayerImage(arch: "amd64");
        var arm = ThreeLayerImage(arch: "arm", variant: "v7");
        string reference = Push("dockerlist", "v1", [amd, arm], "--all", "--format", "v2s2");
        using var engine = new Engine();
        var top = await engine.Registry.GetManifestAsync(Containers.Images.References.ImageReference.Parse(reference), "v1");
        Assert.Equal(MediaTypes.DockerManifestList, top.MediaType);

        var armResult = await engine.PullAsync(reference, new PullOptions { Platform = Platform.Parse("linux/arm/v7") });
        Assert.Equal("arm", armResult.Image.Config.Architecture);
        Assert.Equal(MediaTypes.DockerManifest, armResult.Image.ManifestMediaType);
        AssertImageComplete(engine, armResult, arm);
    }

    [Fact]
    public async Task Pull_by_digest_verifies_and_records_repo_digest_without_tag()
    {
        var spec = ThreeLayerImage();
        string reference = Push("bydigest", "v1", [spec]);
        using var engine = new Engine();
        var top = await engine.Registry.GetManifestAsync(Containers.Images.References.ImageReference.Parse(reference), "v1");
        var result = await engine.PullAsync($"{fx.Plain.Host}/bydigest@{top.Digest}");
        var summary = engine.Images.Summarize(result.Image);
        Assert.Empty(summary.RepoTags);
        Assert.Equal([$"{fx.Plain.Host}/bydigest@{top.Digest}"], summary.RepoDigests);
    }

    [Fact]
    public async Task Wrong_diff_id_in_config_fails_the_pull_and_no_layer_is_committed()
    {
        var good = ThreeLayerImage();
        var bad = good with { DiffIdsOverride = [good.Layers[0].DiffId, "sha256:" + new string('0', 64), good.Layers[2].DiffId] };
        string reference = Push("baddiff", "v1", [bad]);
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<DigestMismatchException>(() => engine.PullAsync(reference));
        Assert.Contains("diff ID mismatch", ex.Message);
        Assert.Equal(1, engine.Unpacker.UnpackedCount);
        Assert.Empty(engine.Images.List(all: true));
    }
}
