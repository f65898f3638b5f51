using Containers.Client;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Client;

/// <summary>The client library: endpoint resolution, typed errors, and the combined engine object.</summary>
public sealed class ClientTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Theory]
    [InlineData("unix:///run/x.sock", "unix:///run/x.sock")]
    [InlineData("unix://", "unix:///run/containers-engine.sock")]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375")]
    [InlineData("tcp://engine.example:2376/", "tcp://engine.example:2376")]
    [InlineData("tcp://[::1]:2375", "tcp://[::1]:2375")]
    [InlineData("tcp://:2375", "tcp://localhost:2375")]
    [InlineData("tcp://", "tcp://localhost:2375")]
    public void Endpoints_parse_like_the_engines_host_flag(string text, string expected)
    {
        Assert.Equal(expected, EngineEndpoint.Parse(text).ToString());
    }

    [Theory]
    [InlineData("unix://relative")]
    [InlineData("tcp://host")]
    [InlineData("ftp://x:1")]
    [InlineData("https://x:2376")]
    [InlineData("tcp://x:0")]
    public void Bad_endpoints_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => EngineEndpoint.Parse(text));
    }

    [Fact]
    public void Tcp_alone_with_tls_is_the_tls_port()
    {
        var tls = new EngineTlsOptions("ca.pem", "cert.pem", "key.pem");
        Assert.Equal(2376, EngineEndpoint.Parse("tcp://", tls).Port);
    }

    [Theory]
    [InlineData("unix:///run/x.sock")]
    [InlineData("unix://")]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("tcp://[::1]:2376")]
    [InlineData("unix://relative")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("fd://")]
    public void Client_and_engine_read_a_host_value_alike(string text)
    {
        var listen = Record.Exception(() => Containers.Engine.Hosting.ListenAddress.Parse(text));
        var connect = Record.Exception(() => EngineEndpoint.Parse(text));
        Assert.Equal(listen is null, connect is null);
        if (listen is not null)
        {
            // Each end names the value its own way ("invalid host" / "invalid engine address"); the reason is the same.
            Assert.StartsWith("invalid engine address", connect!.Message);
            Assert.Equal(listen.Message[listen.Message.IndexOf(": ", StringComparison.Ordinal)..], connect.Message[connect.Message.IndexOf(": ", StringComparison.Ordinal)..]);
            return;
        }
        var address = Containers.Engine.Hosting.ListenAddress.Parse(text);
        var endpoint = EngineEndpoint.Parse(text);
        Assert.Equal(address.SocketPath, endpoint.SocketPath);
        Assert.Equal(address.TcpEndPoint?.Port ?? 0, endpoint.Port);
    }

    [Fact]
    public void Resolution_prefers_explicit_then_environment_then_default()
    {
        var saved = Environment.GetEnvironmentVariable(EngineEndpoint.HostVariable);
        try
        {
            Environment.SetEnvironmentVariable(EngineEndpoint.HostVariable, null);
            Assert.Equal(EngineEndpoint.Default, EngineEndpoint.Resolve());
            Environment.SetEnvironmentVariable(EngineEndpoint.HostVariable, "unix:///tmp/from-env.sock");
            Assert.Equal("/tmp/from-env.sock", EngineEndpoint.Resolve().SocketPath);
            Assert.Equal("/tmp/explicit.sock", EngineEndpoint.Resolve("unix:///tmp/explicit.sock").SocketPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(EngineEndpoint.HostVariable, saved);
        }
    }

    [Fact]
    public async Task An_engine_that_is_not_running_gives_a_clear_error()
    {
        using var dir = new TempDirectory();
        using var client = new ContainersClient(EngineEndpoint.Parse($"unix://{dir.Path}/absent.sock"));
        var e = await Assert.ThrowsAsync<ContainersEngineUnavailableException>(() => client.PingAsync());
        Assert.Contains($"cannot connect to the container engine at unix://{dir.Path}/absent.sock", e.Message);
        Assert.Contains("Is containers-engine running?", e.Message);
    }

    [Fact]
    public async Task Engine_errors_become_typed_exceptions_with_status_and_message()
    {
        using var client = fixture.Engine.CreateClient();
        var notFound = await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.GetVolumeAsync("absent-volume"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("get absent-volume: no such volume", notFound.Message);
        var invalid = await Assert.ThrowsAsync<ContainersInvalidRequestException>(() => client.CreateVolumeAsync(new() { Name = "no/slash" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task The_engine_summary_combines_version_and_info()
    {
        using var client = fixture.Engine.CreateClient();
        var engine = await client.GetEngineAsync();
        Assert.Equal("unix://" + fixture.Engine.SocketPath, engine.Endpoint);
        Assert.Equal("1.47", engine.ApiVersion);
        Assert.Equal(fixture.Engine.DataRoot, engine.DataRoot);
        Assert.Equal(Environment.ProcessorCount, engine.Cpus);
        Assert.Equal(engine.VersionDetails.Version, engine.Version);
    }

    [Fact]
    public async Task Ping_returns_the_negotiation_headers()
    {
        using var client = fixture.Engine.CreateClient();
        var ping = await client.PingAsync();
        Assert.Equal(new PingResult("1.47", "linux", false), ping);
    }
}
