using Containers.Engine.Tests.Infrastructure;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Images;

/// <summary>A pull is complete only when its layers are unpacked into snapshots; removing the image collects them.</summary>
public sealed class PullUnpackTests : IDisposable
{
    private readonly RegistryInstance _registry = new();
    private readonly TempDirectory _layout = new();
    private readonly string _image;

    public PullUnpackTests()
    {
        OciImageBuilder.WriteLayout(_layout, "1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(OciImageBuilder.WhiteoutLayer())]));
        _image = $"{_registry.Host}/unpack/busybox:1";
        Skopeo.Push(_layout, "1", _image);
    }

    [Fact]
    public async Task Pulled_layers_are_overlay_snapshots_and_rmi_collects_them()
    {
        await using var engine = await EngineProcess.StartAsync();
        var host = "unix://" + engine.SocketPath;
        var (code, _, stderr) = await DockerCli.RunAsync(host, "pull", _image);
        Assert.True(code == 0, stderr);

        using var client = engine.CreateClient();
        var info = await client.GetInfoAsync();
        Assert.Equal("overlayfs", info.Driver);
        var snapshots = Path.Combine(engine.DataRoot, "snapshots", "overlayfs", "snapshots");
        Assert.Equal(2, Directory.EnumerateDirectories(snapshots).Count());
        Assert.Contains(Directory.EnumerateDirectories(snapshots), d => File.Exists(Path.Combine(d, "fs", "bin", "busybox")));
        Assert.Equal("overlayfs", (await client.InspectImageAsync(_image)).GraphDriver.Name);

        (code, _, stderr) = await DockerCli.RunAsync(host, "rmi", _image);
        Assert.True(code == 0, stderr);
        Assert.Empty(Directory.EnumerateDirectories(snapshots));
    }

    [Fact]
    public async Task An_image_a_container_uses_is_not_removed_unless_forced()
    {
        using var dir = new TempDirectory();
        var engineDir = Path.Combine(dir, "engine");
        string imageId;
        await using (var first = await EngineProcess.StartInAsync(engineDir, []))
        {
            var (pulled, _, error) = await DockerCli.RunAsync("unix://" + first.SocketPath, "pull", _image);
            Assert.True(pulled == 0, error);
            using var client = first.CreateClient();
            imageId = (await client.InspectImageAsync(_image)).Id;
        }
        // A stopped container of that image, recorded as the engine records containers.
        new Containers.Engine.Lifecycle.ContainerStore(Path.Combine(engineDir, "data")).Add(
            new Containers.Engine.Lifecycle.ContainerRecord { Id = Containers.Engine.Lifecycle.ContainerStore.NewId(), ImageId = imageId, ImageName = _image, Created = DateTimeOffset.UtcNow,
                State = new Containers.Api.ContainerState { Status = "exited" } }, "user-of-image");

        await using var engine = await EngineProcess.StartInAsync(engineDir, []);
        var host = "unix://" + engine.SocketPath;
        var (code, _, stderr) = await DockerCli.RunAsync(host, "rmi", imageId);
        Assert.NotEqual(0, code);
        Assert.Contains("conflict", stderr, StringComparison.OrdinalIgnoreCase);
        using (var client = engine.CreateClient())
            Assert.Equal(1, (await client.GetInfoAsync()).Containers);
        (code, _, stderr) = await DockerCli.RunAsync(host, "rmi", "-f", imageId);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task The_native_driver_is_used_when_configured()
    {
        await using var engine = await EngineProcess.StartAsync("--storage-driver", "native");
        var (code, _, stderr) = await DockerCli.RunAsync("unix://" + engine.SocketPath, "pull", _image);
        Assert.True(code == 0, stderr);
        using var client = engine.CreateClient();
        Assert.Equal("native", (await client.GetInfoAsync()).Driver);
        var top = Directory.EnumerateDirectories(Path.Combine(engine.DataRoot, "snapshots", "native", "snapshots")).Max(d => int.Parse(Path.GetFileName(d)));
        // The top snapshot of a native chain is the whole filesystem: the base layer's busybox is in it.
        Assert.True(File.Exists(Path.Combine(engine.DataRoot, "snapshots", "native", "snapshots", top.ToString(), "fs", "bin", "busybox")));
    }

    [Fact]
    public async Task SIGKILL_during_unpack_leaves_a_consistent_store_and_the_pull_completes_after_restart()
    {
        // Large enough that the unpack is still running when the SIGKILL lands after the first "Extracting" (at 48 MiB
        // a fast unpack sometimes finished first, and the test then saw a completed pull).
        const int Files = 96;
        using var layout = new TempDirectory();
        var files = OciImageBuilder.Tar(w =>
        {
            for (var i = 0; i < Files; i++)
            {
                var data = new byte[1 << 20];
                Random.Shared.NextBytes(data);
                w.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, $"data/{i:D2}.bin") { DataStream = new MemoryStream(data) });
            }
        });
        OciImageBuilder.WriteLayout(layout, "1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(files)]));
        var image = $"{_registry.Host}/unpack/big:1";
        Skopeo.Push(layout, "1", image);

        using var dir = new TempDirectory();
        var engineDir = Path.Combine(dir, "engine");
        var first = await EngineProcess.StartInAsync(engineDir, []);
        using (var client = first.CreateClient())
        {
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await foreach (var m in client.PullImageAsync(image))
                    if (m.Status == "Extracting") first.Signal(Posix.SIGKILL);
            });
        }
        await first.StopAsync();

        await using var second = await EngineProcess.StartInAsync(engineDir, []);
        var snapshots = Path.Combine(engineDir, "data", "snapshots", "overlayfs", "snapshots");
        // Reopening removed every half-applied snapshot; what remains is complete and recorded.
        Assert.DoesNotContain(Directory.EnumerateDirectories(snapshots), d => d.EndsWith(".tmp", StringComparison.Ordinal));
        var (code, stdout, stderr) = await DockerCli.RunAsync("unix://" + second.SocketPath, "pull", image);
        Assert.True(code == 0, stderr);
        Assert.Contains("Digest: sha256:", stdout);
        var top = Directory.EnumerateDirectories(snapshots).Select(d => Path.Combine(d, "fs", "data")).Single(Directory.Exists);
        Assert.Equal(Files, Directory.EnumerateFiles(top).Count());
        Assert.All(Directory.EnumerateFiles(top), f => Assert.Equal(1 << 20, new FileInfo(f).Length));
    }

    public void Dispose()
    {
        _registry.Dispose();
        _layout.Dispose();
    }
}
