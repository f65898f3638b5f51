using System.Net;
using System.Net.Sockets;
using Containers.Images.Pull;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Retries, resets, timeouts, download concurrency, HTTP policy, credential hygiene, auth header and distribution inspect.</summary>
[Collection("registry")]
public sealed class TransportTests(RegistryFixture fx)
{
    private string Push(string repo, int layers = 2, int layerBytes = 256 * 1024)
    {
        using var layout = new TempDir();
        var specs = Enumerable.Range(0, layers).Select(_ => new LayerSpec(OciImageBuilder.RandomLayer(layerBytes))).ToList();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec(specs));
        Skopeo.Push(layout.Path, "v1", $"{fx.Plain.Host}/{repo}:v1");
        return $"{repo}:v1";
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff()
    {
        string repoTag = Push("flaky");
        using var proxy = new TestProxy(fx.Plain.Host) { ServerErrorsToSend = 3 };
        using var engine = new Engine(new RegistryOptions { MaxAttempts = 4, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        var result = await engine.PullAsync($"{proxy.Host}/{repoTag}");
        Assert.Equal(2, result.Image.Layers.Count);
        Assert.True(proxy.Requests.Count(r => r.Path.Contains("/manifests/")) >= 4); // 3 answered 503, then success

        using var always = new TestProxy(fx.Plain.Host) { ServerErrorsToSend = int.MaxValue };
        var ex = await Assert.ThrowsAsync<RegistryException>(() => engine.PullAsync($"{always.Host}/{repoTag}"));
        Assert.Equal(503, ex.StatusCode);
        Assert.Contains(always.Host, ex.Message);
    }

    [Fact]
    public async Task Connection_reset_mid_blob_resumes_with_a_range_request()
    {
        string repoTag = Push("reset", layers: 1, layerBytes: 2 * 1024 * 1024);
        using var proxy = new TestProxy(fx.Plain.Host) { CutAfter = p => p.Contains("/blobs/sha256:") ? 700_000 : null };
        using var engine = new Engine();
        var manifest = (await engine.Registry.GetManifestAsync(ImageReference.Parse($"{fx.Plain.Host}/{repoTag}"), "v1")).Parsed.Manifest!;
        string layer = manifest.Layers[0].Digest;
        var result = await engine.PullAsync($"{proxy.Host}/{repoTag}");
        var gets = proxy.Requests.Where(r => r.Path.EndsWith(layer, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.StartsWith("bytes=", gets[1].Range);
        Assert.NotEqual("bytes=0-", gets[1].Range);
        Assert.True(engine.Unpacker.HasLayer(result.Image.Layers[0].ChainId));
    }

    [Fact]
    public async Task Registry_that_never_answers_times_out_with_a_clear_error()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () => { while (true) { try { accepted.Add(await silent.AcceptTcpClientAsync()); } catch { return; } } });
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var engine = new Engine(new RegistryOptions { RequestTimeout = TimeSpan.FromMilliseconds(500), MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        var ex = await Assert.ThrowsAsync<RegistryUnavailableException>(() => engine.PullAsync($"127.0.0.1:{port}/app:v1"));
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.Contains("did not answer within 0.5 s", ex.Message);
        silent.Stop();
        foreach (var c in accepted) c.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Max_concurrent_downloads_bounds_parallel_blob_transfers(int max)
    {
        string repoTag = Push("parallel-" + max, layers: 5, layerBytes: 512 * 1024);
        using var proxy = new TestProxy(fx.Plain.Host) { BytesPerSecond = 2 * 1024 * 1024 }; // slow enough that queued layers must wait
        using var engine = new Engine(maxConcurrentDownloads: max);
        var result = await engine.PullAsync($"{proxy.Host}/{repoTag}");
        Assert.Equal(5, result.Image.Layers.Count);
        Assert.InRange(proxy.MaxConcurrentBlobs, 1, max);
        Assert.Contains(engine.Progress, p => p.Status == PullProgress.Waiting); // layers queued behind the limit
    }

    [Fact]
    public void Plain_http_only_for_loopback_and_configured_insecure_registries()
    {
        using var client = new RegistryClient(new RegistryOptions { InsecureRegistries = ["internal.example:5000", "http://legacy.example"] });
        Assert.True(client.IsInsecure("127.0.0.1:5000"));
        Assert.True(client.IsInsecure("localhost:5000"));
        Assert.True(client.IsInsecure("[::1]:5000"));
        Assert.True(client.IsInsecure("internal.example:5000"));
        Assert.True(client.IsInsecure("legacy.example"));
        Assert.False(client.IsInsecure("internal.example:5001"));
        Assert.False(client.IsInsecure("registry.example.com"));
        Assert.False(client.IsInsecure("10.0.0.1:5000"));
    }

    [Fact]
    public async Task Diagnostics_log_never_contains_credentials()
    {
        var log = new List<string>();
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(1024))]));
        Skopeo.Push(layout.Path, "v1", $"{fx.Token.Host}/logged:v1", "--dest-creds", $"{RegistryFixture.User}:{RegistryFixture.Password}");
        using var engine = new Engine(new RegistryOptions { Log = line => { lock (log) log.Add(line); } });
        await engine.PullAsync($"{fx.Token.Host}/logged:v1", new PullOptions { Credentials = new RegistryCredentials(RegistryFixture.User, RegistryFixture.Password) });
        Assert.NotEmpty(log);
        string all = string.Join("\n", log);
        Assert.DoesNotContain(RegistryFixture.Password, all);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{RegistryFixture.User}:{RegistryFixture.Password}")), all);
        Assert.DoesNotContain("Bearer", all);
    }

    [Fact]
    public async Task Credentials_given_with_the_pull_authenticate_it()
    {
        var creds = new RegistryCredentials(RegistryFixture.User, RegistryFixture.Password);
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(1024))]));
        Skopeo.Push(layout.Path, "v1", $"{fx.Basic.Host}/cli-auth:v1", "--dest-creds", $"{RegistryFixture.User}:{RegistryFixture.Password}");
        using var engine = new Engine();
        var result = await engine.PullAsync($"{fx.Basic.Host}/cli-auth:v1", new PullOptions { Credentials = creds });
        Assert.Single(result.Image.Layers);
    }

    [Fact]
    public async Task Distribution_inspect_reports_descriptor_and_platforms()
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1",
            new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(1024))], "amd64"),
            new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(1024))], "arm64"));
        Skopeo.Push(layout.Path, "v1", $"{fx.Plain.Host}/inspect:v1", "--all");
        using var engine = new Engine();
        var (descriptor, platforms) = await engine.Registry.InspectDistributionAsync(ImageReference.Parse($"{fx.Plain.Host}/inspect:v1"));
        Assert.Equal(Containers.Images.Manifests.MediaTypes.OciIndex, descriptor.MediaType);
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms.Select(p => p.ToString()));
    }
}

/// <summary>HTTPS registries: trusted through a Docker certs.d directory, refused otherwise.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Https_registry_is_trusted_through_certs_d_and_refused_without_it()
    {
        using var dir = new TempDir();
        using var caKey = System.Security.Cryptography.RSA.Create(2048);
        var caReq = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test registry CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var serverKey = System.Security.Cryptography.RSA.Create(2048);
        var serverReq = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", serverKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverReq.CertificateExtensions.Add(san.Build());
        using var server = serverReq.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        string certPath = Path.Combine(dir.Path, "server.crt"), keyPath = Path.Combine(dir.Path, "server.key");
        File.WriteAllText(certPath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem());

        using var registry = new RegistryInstance(tls: (certPath, keyPath));
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.RandomLayer(4096))]));
        Skopeo.Push(layout.Path, "v1", $"{registry.Host}/secure:v1");

        using (var untrusting = new Engine(new RegistryOptions { MaxAttempts = 1 }))
            await Assert.ThrowsAnyAsync<RegistryException>(() => untrusting.PullAsync($"{registry.Host}/secure:v1"));

        string certsD = Path.Combine(dir.Path, "certs.d");
        Directory.CreateDirectory(Path.Combine(certsD, registry.Host));
        File.WriteAllText(Path.Combine(certsD, registry.Host, "ca.crt"), ca.ExportCertificatePem());
        using var trusting = new Engine(new RegistryOptions { CertificatesDirectory = certsD, MaxAttempts = 1 });
        var result = await trusting.PullAsync($"{registry.Host}/secure:v1");
        Assert.Single(result.Image.Layers);
    }
}
