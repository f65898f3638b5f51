using System.Net;
using Containers.Engine.Configuration;
using Containers.Engine.Hosting;

namespace Containers.Engine.Tests.Configuration;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("unix:///run/x.sock", "/run/x.sock")]
    [InlineData("unix://", "/run/containers-engine.sock")]
    public void Unix_addresses_name_a_socket_path(string spec, string path)
    {
        var address = ListenAddress.Parse(spec);
        Assert.True(address.IsUnix);
        Assert.Equal(path, address.SocketPath);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2375", "127.0.0.1", true)]
    [InlineData("tcp://localhost:2375", "127.0.0.1", true)]
    [InlineData("tcp://[::1]:2375", "::1", true)]
    [InlineData("tcp://0.0.0.0:2376", "0.0.0.0", false)]
    [InlineData("tcp://:2376", "0.0.0.0", false)]
    [InlineData("tcp://192.0.2.10:2376", "192.0.2.10", false)]
    public void Tcp_addresses_know_whether_they_are_loopback(string spec, string ip, bool loopback)
    {
        var address = ListenAddress.Parse(spec);
        Assert.Equal(IPAddress.Parse(ip), address.TcpEndPoint!.Address);
        Assert.Equal(loopback, address.IsLoopback);
    }

    [Theory]
    [InlineData(false, 2375)]
    [InlineData(true, 2376)]
    public void Tcp_alone_is_localhost_on_dockers_default_port(bool tls, int port)
    {
        var address = ListenAddress.Parse("tcp://", tls);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), address.TcpEndPoint);
    }

    [Theory]
    [InlineData("unix://relative.sock", "must be absolute")]
    [InlineData("unix://unix:///x.sock", "must be absolute")]
    [InlineData("tcp://::1:2375", "expected tcp://ADDRESS:PORT")]
    [InlineData("tcp://[::1]", "expected tcp://ADDRESS:PORT")]
    [InlineData("tcp://127.0.0.1:2375/path", "expected tcp://ADDRESS:PORT")]
    [InlineData("http://127.0.0.1:2375", "supported forms are")]
    [InlineData("tcp://127.0.0.1", "expected tcp://ADDRESS:PORT")]
    [InlineData("tcp://127.0.0.1:99999", "expected tcp://ADDRESS:PORT")]
    [InlineData("tcp://example.com:2375", "is not an IP address")]
    [InlineData("fd://", "supported forms are")]
    public void Invalid_addresses_are_refused_with_a_reason(string spec, string expected)
    {
        var e = Assert.Throws<EngineStartupException>(() => ListenAddress.Parse(spec));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Non_loopback_tcp_without_mutual_tls_is_refused()
    {
        var settings = new EngineSettings { Hosts = ["tcp://0.0.0.0:2376"], Tls = true, TlsCert = "c", TlsKey = "k" };
        var e = Assert.Throws<EngineStartupException>(() => Listeners.Plan(settings, []));
        Assert.Contains("needs mutual TLS", e.Message);
    }

    [Fact]
    public void Plain_loopback_tcp_is_allowed_with_a_warning()
    {
        var warnings = new List<string>();
        Listeners.Plan(new EngineSettings { Hosts = ["tcp://127.0.0.1:2375"] }, warnings);
        Assert.Contains(warnings, w => w.Contains("without encryption"));
    }
}
