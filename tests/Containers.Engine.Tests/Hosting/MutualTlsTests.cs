using Containers.Client;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Hosting;

/// <summary>
/// TCP with mutual TLS on a non-loopback bind (0.0.0.0), reached over loopback: a client certificate that chains to
/// the CA is accepted; none, or one from another CA, is rejected. The docker CLI with --tlsverify works too.
/// </summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestCertificates _certs = null!;
    private EngineProcess _engine = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _certs = new TestCertificates(Path.Combine(_dir, "certs"));
        _port = FreePort.Get();
        _engine = await EngineProcess.StartInAsync(Path.Combine(_dir, "engine"),
        [
            "-H", $"tcp://0.0.0.0:{_port}", "--tlsverify",
            "--tlscacert", _certs.CaCert, "--tlscert", _certs.ServerCert, "--tlskey", _certs.ServerKey,
        ]);
    }

    private EngineEndpoint Tcp(string cert, string key) =>
        EngineEndpoint.Parse($"tcp://127.0.0.1:{_port}", new EngineTlsOptions(_certs.CaCert, cert, key));

    [Fact]
    public async Task A_client_certificate_from_the_ca_is_accepted()
    {
        using var client = new ContainersClient(Tcp(_certs.ClientCert, _certs.ClientKey));
        var version = await client.GetVersionAsync();
        Assert.Equal("1.47", version.ApiVersion);
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_rejected()
    {
        using var client = new ContainersClient(Tcp(_certs.RogueCert, _certs.RogueKey));
        await Assert.ThrowsAsync<ContainersEngineUnavailableException>(() => client.PingAsync());
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_rejected()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://127.0.0.1:{_port}/_ping"));
    }

    [Fact]
    public async Task Plain_http_to_the_tls_port_gets_no_api_answer()
    {
        using var http = new HttpClient();
        var failed = false;
        try
        {
            var response = await http.GetAsync($"http://127.0.0.1:{_port}/_ping");
            failed = !response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            failed = true;
        }
        Assert.True(failed);
    }

    [Fact]
    public async Task The_docker_cli_connects_with_tlsverify()
    {
        var (code, stdout, stderr) = await DockerCli.RunAsync($"tcp://127.0.0.1:{_port}",
            "--tlsverify", "--tlscacert", _certs.CaCert, "--tlscert", _certs.ClientCert, "--tlskey", _certs.ClientKey,
            "version", "--format", "{{.Server.APIVersion}}");
        Assert.True(code == 0, stderr);
        Assert.Equal("1.47", stdout.Trim());
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _dir.Dispose();
    }
}
