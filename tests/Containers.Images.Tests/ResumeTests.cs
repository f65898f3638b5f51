using System.Diagnostics;
using Containers.Images.Content;
using Containers.Images.References;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>SIGKILL of a pulling process mid-blob, then a resumed pull from the ingest file with HTTP Range.</summary>
[Collection("registry")]
public sealed class ResumeTests(RegistryFixture fx)
{
    private static string PullToolDll()
    {
        string testsBin = AppContext.BaseDirectory;
        string dll = Path.Combine(testsBin.Replace("Containers.Images.Tests", "Containers.Images.PullTool"), "Containers.Images.PullTool.dll");
        Assert.True(File.Exists(dll), $"PullTool not built at {dll}");
        return dll;
    }

    [Fact]
    public async Task Pull_killed_with_SIGKILL_resumes_from_the_ingest_offset_and_completes_correctly()
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(6 * 1024 * 1024))]));
        Skopeo.Push(layout.Path, "v1", $"{fx.Plain.Host}/resumable:v1");
        using var proxy = new TestProxy(fx.Plain.Host) { BytesPerSecond = 1024 * 1024 };
        using var root = new TempDir();
        string reference = $"{proxy.Host}/resumable:v1";

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(PullToolDll());
        psi.ArgumentList.Add(root.Path);
        psi.ArgumentList.Add(reference);
        using var tool = Process.Start(psi)!;
        tool.OutputDataReceived += (_, _) => { };
        tool.ErrorDataReceived += (_, _) => { };
        tool.BeginOutputReadLine();
        tool.BeginErrorReadLine();

        // Wait until at least 1 MiB of the layer sits in the ingest file, then SIGKILL.
        string ingestDir = Path.Combine(root.Path, "content", "ingest");
        FileInfo? ingest = null;
        for (int i = 0; i < 600 && (ingest is null || ingest.Length < 1024 * 1024); i++)
        {
            Assert.False(tool.HasExited, "pull tool exited before it could be killed");
            await Task.Delay(50);
            ingest = Directory.Exists(ingestDir) ? new DirectoryInfo(ingestDir).EnumerateFiles().FirstOrDefault() : null;
            ingest?.Refresh();
        }
        Assert.NotNull(ingest);
        tool.Kill(); // SIGKILL on Linux
        await tool.WaitForExitAsync();
        Assert.Equal(137, tool.ExitCode);

        ingest!.Refresh();
        long offset = ingest.Length;
        var digest = Digest.Parse(ingest.Name.Replace('-', ':'));
        using var engine = new Engine(root: root.Path);
        long size = (await engine.Registry.GetManifestAsync(ImageReference.Parse(reference), "v1")).Parsed.Manifest!.Layers[0].Size;
        Assert.InRange(offset, 1024 * 1024, size - 1);
        Assert.False(engine.Content.Exists(digest)); // no partial blob is ever visible
        Assert.Empty(engine.Images.List(all: true));

        proxy.BytesPerSecond = 0;
        while (proxy.Requests.TryDequeue(out _)) { }
        var result = await engine.PullAsync(reference);

        var blobRequest = Assert.Single(proxy.Requests, r => r.Path.EndsWith("/blobs/" + digest, StringComparison.Ordinal));
        Assert.Equal($"bytes={offset}-", blobRequest.Range);
        Assert.True(engine.Content.Exists(digest));
        Assert.Equal(size, engine.Content.GetSize(digest));
        Assert.False(File.Exists(engine.Content.IngestPath(digest)));
        Assert.True(engine.Unpacker.HasLayer(result.Image.Layers[0].ChainId)); // diff ID verified over the resumed bytes
    }

    /// <summary>
    /// Kills the pulling process right after its k-th progress line, for every k, so the kill lands at each
    /// stage (manifest, downloads, unpacks, record and reference writes). Every time the stores must reopen
    /// cleanly, show no partial state, and a new pull must complete.
    /// </summary>
    [Fact]
    public async Task Stores_stay_consistent_when_the_puller_is_killed_at_every_progress_step()
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(OciImageBuilder.RandomLayer(300_000))]));
        Skopeo.Push(layout.Path, "v1", $"{fx.Plain.Host}/killsteps:v1");
        string reference = $"{fx.Plain.Host}/killsteps:v1";

        int totalLines;
        using (var probe = new TempDir())
            totalLines = RunTool(probe.Path, reference, killAfterLine: int.MaxValue);
        Assert.True(totalLines >= 10, $"expected a full progress stream, got {totalLines} lines");

        for (int k = 1; k < totalLines; k++)
        {
            using var root = new TempDir();
            RunTool(root.Path, reference, killAfterLine: k);
            using var engine = new Engine(root: root.Path);
            foreach (var s in engine.Images.List(all: true))
                foreach (var l in s.Image.Layers)
                    Assert.True(engine.Content.Exists(Digest.Parse(l.Digest)), $"kill after line {k}: record without its blob");
            foreach (var d in engine.Content.ListBlobs())
            {
                using var f = engine.Content.OpenRead(d);
                using var h = d.CreateHasher();
                var buffer = new byte[65536];
                int n;
                while ((n = f.Read(buffer)) > 0) h.AppendData(buffer, 0, n);
                Assert.Equal(d, Digest.FromHash(d.Algorithm, h.GetHashAndReset())); // never a partial blob
            }
            var result = await engine.PullAsync(reference);
            Assert.Equal([reference], engine.Images.Summarize(result.Image).RepoTags);
        }
    }

    /// <summary>Runs the pull tool and SIGKILLs it once it has printed <paramref name="killAfterLine"/> lines; returns lines seen.</summary>
    private static int RunTool(string root, string reference, int killAfterLine)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(PullToolDll());
        psi.ArgumentList.Add(root);
        psi.ArgumentList.Add(reference);
        using var tool = Process.Start(psi)!;
        tool.ErrorDataReceived += (_, _) => { };
        tool.BeginErrorReadLine();
        int lines = 0;
        while (tool.StandardOutput.ReadLine() is not null)
        {
            if (++lines == killAfterLine) { tool.Kill(); break; }
        }
        tool.WaitForExit();
        return lines;
    }
}
