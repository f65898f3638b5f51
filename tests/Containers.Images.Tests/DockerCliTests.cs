using System.Net;
using Containers.Images.Pull;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>
/// The real docker CLI renders our pull stream: a minimal loopback endpoint serves only /_ping and
/// POST /images/create by calling the library the way the engine's handler will.
/// </summary>
[Collection("registry")]
public sealed class DockerCliTests(RegistryFixture fx)
{
    [Fact]
    public async Task Docker_pull_renders_our_progress_stream()
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(OciImageBuilder.RandomLayer(100_000))]));
        Skopeo.Push(layout.Path, "v1", $"{fx.Plain.Host}/cli:v1");

        using var engine = new Engine();
        int port = FreePort.Get();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var requests = new List<string>();
        var serve = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (Exception) { return; }
                string path = ctx.Request.Url!.AbsolutePath;
                lock (requests) requests.Add(ctx.Request.HttpMethod + " " + path);
                ctx.Response.Headers["Api-Version"] = "1.41";
                ctx.Response.Headers["Ostype"] = "linux";
                if (path.EndsWith("/images/create", StringComparison.Ordinal))
                {
                    ctx.Response.ContentType = "application/json";
                    ctx.Response.SendChunked = true;
                    var writer = new StreamWriter(ctx.Response.OutputStream) { AutoFlush = true };
                    try
                    {
                        var reference = ImageReference.FromApi(ctx.Request.QueryString["fromImage"]!, ctx.Request.QueryString["tag"]);
                        var credentials = RegistryAuthHeader.Decode(ctx.Request.Headers["X-Registry-Auth"]);
                        await engine.Puller.PullAsync(reference, new PullOptions { Credentials = credentials }, p => writer.WriteLine(p.ToDockerJson()));
                    }
                    catch (Exception e) { writer.WriteLine(PullProgress.ErrorJson(e.Message)); }
                }
                else if (path.EndsWith("/_ping", StringComparison.Ordinal))
                {
                    if (ctx.Request.HttpMethod == "GET") await ctx.Response.OutputStream.WriteAsync("OK"u8.ToArray());
                }
                else ctx.Response.StatusCode = 404;
                ctx.Response.Close();
            }
        });

        string output = ProcessRunner.Run("docker", "-H", $"tcp://127.0.0.1:{port}", "pull", $"{fx.Plain.Host}/cli:v1");
        var image = engine.Images.Get($"{fx.Plain.Host}/cli:v1");
        string digest = engine.Images.Summarize(image).RepoDigests[0].Split('@')[1];
        Assert.Contains("v1: Pulling from cli", output);
        Assert.Contains($"{image.Layers[0].Digest[7..19]}: Pull complete", output);
        Assert.Contains($"{image.Layers[1].Digest[7..19]}: Pull complete", output);
        Assert.Contains($"Digest: {digest}", output);
        Assert.Contains($"Status: Downloaded newer image for {fx.Plain.Host}/cli:v1", output);

        string again = ProcessRunner.Run("docker", "-H", $"tcp://127.0.0.1:{port}", "pull", $"{fx.Plain.Host}/cli:v1");
        Assert.Contains($"Status: Image is up to date for {fx.Plain.Host}/cli:v1", again);

        var failure = Assert.Throws<InvalidOperationException>(() => ProcessRunner.Run("docker", "-H", $"tcp://127.0.0.1:{port}", "pull", $"{fx.Plain.Host}/cli:missing"));
        Assert.Contains("manifest for", failure.Message);
        Assert.Contains("not found", failure.Message);
        listener.Stop();
        await serve;
    }
}
