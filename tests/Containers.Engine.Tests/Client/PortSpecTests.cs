using Containers.Api;
using Containers.Client;

namespace Containers.Engine.Tests.Client;

/// <summary>The docker CLI's -p syntax as the client parses it for New-Container -Publish.</summary>
public sealed class PortSpecTests
{
    [Theory]
    [InlineData("80", "80/tcp", "", "")]
    [InlineData("8080:80", "80/tcp", "", "8080")]
    [InlineData("127.0.0.1:8080:80", "80/tcp", "127.0.0.1", "8080")]
    [InlineData("127.0.0.1::80", "80/tcp", "127.0.0.1", "")]
    [InlineData("53:53/udp", "53/udp", "", "53")]
    [InlineData("[::1]:8080:80/TCP", "80/tcp", "::1", "8080")]
    [InlineData("8000-8010:80", "80/tcp", "", "8000-8010")]
    public void Parses_one_port(string spec, string port, string hostIp, string hostPort)
    {
        var (parsedPort, binding) = Assert.Single(PortSpec.Parse(spec));
        Assert.Equal(port, parsedPort);
        Assert.Equal(hostIp, binding.HostIp);
        Assert.Equal(hostPort, binding.HostPort);
    }

    [Fact]
    public void Ranges_pair_host_and_container_ports_and_fill_the_request()
    {
        var request = new ContainerCreateRequest();
        PortSpec.Publish(request, ["8000-8001:80-81", "9000:80"]);
        Assert.Equal(["80/tcp", "81/tcp"], request.ExposedPorts!.Keys.Order());
        Assert.Equal(["8000", "9000"], request.HostConfig!.PortBindings!["80/tcp"].Select(b => b.HostPort));
        Assert.Equal("8001", Assert.Single(request.HostConfig.PortBindings["81/tcp"]).HostPort);
    }

    [Theory]
    [InlineData("80:abc", "invalid containerPort: abc")]
    [InlineData("x:80", "invalid hostPort: x")]
    [InlineData("1.2.3:80:80", "invalid IP address: 1.2.3")]
    [InlineData("80/icmp", "invalid proto: icmp")]
    [InlineData("8000-8002:80-81", "invalid ranges specified for container and host Ports: 80-81 and 8000-8002")]
    [InlineData("70000", "invalid containerPort: 70000")]
    [InlineData("1:2:3:4", "invalid port specification: \"1:2:3:4\"")]
    public void Refuses_what_the_docker_cli_refuses(string spec, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => PortSpec.Parse(spec)).Message);
}
