using Containers.Engine.Tests.Infrastructure;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Images;

/// <summary>
/// The engine killed with SIGKILL in the middle of a pull, then started again on the same data-root: the pull resumes
/// from the ingest file with an HTTP Range request, and no partial blob is ever visible. Also two pulls of one image at once.
/// </summary>
public sealed class PullCrashTests : IDisposable
{
    private const int LayerBytes = 6 * 1024 * 1024;
    private readonly RegistryInstance _registry = new();
    private readonly TestProxy _proxy;
    private readonly TempDirectory _dir = new();
    private readonly string _image;

    public PullCrashTests()
    {
        _proxy = new TestProxy(_registry.Host);
        using var layout = new TempDirectory();
        // Random bytes do not compress: the layer blob is as large as its content, so throttling makes the pull slow.
        OciImageBuilder.WriteLayout(layout, "big", new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(LayerBytes))]));
        Skopeo.Push(layout, "big", $"{_registry.Host}/crash/big:1");
        _image = $"{_proxy.Host}/crash/big:1";
    }

    [Fact]
    public async Task A_pull_interrupted_by_SIGKILL_resumes_after_restart()
    {
        var engineDir = Path.Combine(_dir, "engine");
        _proxy.BytesPerSecond = 1024 * 1024;
        var first = await EngineProcess.StartInAsync(engineDir, []);
        var pull = DockerCli.RunAsync("unix://" + first.SocketPath, "pull", _image);
        var ingest = Path.Combine(engineDir, "data", "content", "ingest");
        await Hosting.EngineStartupTests.WaitForAsync(() => Task.FromResult(
            Directory.Exists(ingest) && Directory.EnumerateFiles(ingest).Any(f => new FileInfo(f).Length > LayerBytes / 4)));
        first.Signal(Posix.SIGKILL);
        await first.StopAsync();
        await pull;

        var partial = Directory.EnumerateFiles(ingest).Select(f => new FileInfo(f).Length).Max();
        Assert.InRange(partial, 1, LayerBytes - 1);
        // Nothing half-written was committed: no blob of the layer's size exists yet.
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(engineDir, "data", "content", "blobs", "sha256")),
            f => new FileInfo(f).Length >= LayerBytes);

        _proxy.BytesPerSecond = 0;
        await using var second = await EngineProcess.StartInAsync(engineDir, []);
        var (code, stdout, stderr) = await DockerCli.RunAsync("unix://" + second.SocketPath, "pull", _image);
        Assert.True(code == 0, stderr);
        Assert.Contains("Status: Downloaded newer image", stdout);
        Assert.Contains(_proxy.Requests, r => r.Range is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && !range.StartsWith("bytes=0-", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(ingest));
    }

    [Fact]
    public async Task Two_concurrent_pulls_of_one_image_download_each_blob_once()
    {
        _proxy.BytesPerSecond = 4 * 1024 * 1024;
        await using var engine = await EngineProcess.StartInAsync(Path.Combine(_dir, "engine"), []);
        var host = "unix://" + engine.SocketPath;
        var results = await Task.WhenAll(DockerCli.RunAsync(host, "pull", _image), DockerCli.RunAsync(host, "pull", _image));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var layerGets = _proxy.Requests.Where(r => r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal)).GroupBy(r => r.Path);
        Assert.All(layerGets, g => Assert.Single(g));
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _registry.Dispose();
        _dir.Dispose();
    }
}
