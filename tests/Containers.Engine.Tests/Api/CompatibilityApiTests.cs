using System.Text.Json;
using Containers.Engine.Tests.Images;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>What docker-py's integration suite tripped on: JSON nulls, the unserved swarm and plugin groups, inspect's fields.</summary>
public sealed class CompatibilityApiTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Socket => fixture.Engine.SocketPath;
    private string Host => "unix://" + Socket;

    private async Task<string> CreateAsync(string body)
    {
        await DockerCli.RunOkAsync(Host, "pull", "-q", fixture.PlainImage);
        var response = await RawHttp.SendAsync(Socket, HttpMethod.Post, "/v1.47/containers/create", body);
        Assert.True(response.Status == 201, response.Body);
        return JsonDocument.Parse(response.Body).RootElement.GetProperty("Id").GetString()!;
    }

    [Fact]
    public async Task Nulls_read_as_Go_zero_values_in_create()
    {
        var id = await CreateAsync($$$"""
            {"Image":"{{{fixture.PlainImage}}}","Cmd":["true"],"Tty":null,"Labels":null,"StopTimeout":null,
             "Healthcheck":{"Test":null,"Interval":null,"Timeout":null,"Retries":null,"StartPeriod":null},
             "HostConfig":{"Memory":null,"CpuShares":null,"PidsLimit":null,"RestartPolicy":null,"NetworkMode":null,
                           "LogConfig":{"Type":null,"Config":null},"Binds":null,"Privileged":null}}
            """);
        var inspect = await RawHttp.SendAsync(Socket, HttpMethod.Get, $"/containers/{id}/json");
        var host = JsonDocument.Parse(inspect.Body).RootElement.GetProperty("HostConfig");
        Assert.Equal(0, host.GetProperty("Memory").GetInt64());
        Assert.Equal("", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal("default", host.GetProperty("NetworkMode").GetString());
        Assert.Equal("json-file", host.GetProperty("LogConfig").GetProperty("Type").GetString());
    }

    [Fact]
    public async Task Inspect_has_dockerd_fields_with_their_zero_values()
    {
        var id = await CreateAsync($$$"""{"Image":"{{{fixture.PlainImage}}}","Cmd":["true"]}""");
        var c = JsonDocument.Parse((await RawHttp.SendAsync(Socket, HttpMethod.Get, $"/containers/{id}/json")).Body).RootElement;
        var host = c.GetProperty("HostConfig");
        Assert.Equal(JsonValueKind.Array, host.GetProperty("DeviceCgroupRules").ValueKind);
        Assert.Equal(0, host.GetProperty("DeviceCgroupRules").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, host.GetProperty("DeviceRequests").ValueKind);
        Assert.Equal("", host.GetProperty("Isolation").GetString());
        Assert.Equal("", host.GetProperty("VolumeDriver").GetString());
        Assert.Equal("", host.GetProperty("CgroupParent").GetString());
        Assert.Equal("", host.GetProperty("IpcMode").GetString());
        Assert.Equal("containers-runtime", host.GetProperty("Runtime").GetString());
        Assert.Equal(0, host.GetProperty("OomScoreAdj").GetInt32());
        Assert.Equal("[0,0]", host.GetProperty("ConsoleSize").GetRawText());
        Assert.Contains("/proc/kcore", host.GetProperty("MaskedPaths").EnumerateArray().Select(p => p.GetString()));
        foreach (var name in new[] { "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "Links" })
            Assert.Equal(JsonValueKind.Array, host.GetProperty(name).ValueKind);
        foreach (var name in new[] { "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth" })
            Assert.Equal(0, host.GetProperty(name).GetInt64());
        Assert.Equal(JsonValueKind.Null, host.GetProperty("MemorySwappiness").ValueKind);

        var network = c.GetProperty("NetworkSettings");
        foreach (var name in new[] { "Bridge", "SandboxID", "EndpointID", "Gateway", "IPAddress", "IPv6Gateway", "MacAddress", "GlobalIPv6Address" })
            Assert.Equal("", network.GetProperty(name).GetString());
        Assert.Equal(JsonValueKind.Object, network.GetProperty("Ports").ValueKind);
        Assert.Equal("overlayfs", c.GetProperty("GraphDriver").GetProperty("Name").GetString());

        // An explicitly asked runtime is kept, as dockerd keeps it.
        var runc = await CreateAsync($$$"""{"Image":"{{{fixture.PlainImage}}}","Cmd":["true"],"HostConfig":{"Runtime":"runc"}}""");
        var asked = JsonDocument.Parse((await RawHttp.SendAsync(Socket, HttpMethod.Get, $"/containers/{runc}/json")).Body).RootElement;
        Assert.Equal("runc", asked.GetProperty("HostConfig").GetProperty("Runtime").GetString());
    }

    [Theory]
    [InlineData("POST", "/v1.47/swarm/leave?force=false", "This node is not part of a swarm")]
    [InlineData("GET", "/v1.47/swarm", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("GET", "/services", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("GET", "/nodes/abc", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("GET", "/tasks", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("POST", "/secrets/create", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("GET", "/configs", "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.")]
    [InlineData("POST", "/swarm/init", "This engine does not support swarm mode: it cannot create or join a swarm")]
    public async Task Swarm_groups_answer_503_with_dockerd_wording(string method, string path, string message)
    {
        var response = await RawHttp.SendAsync(Socket, new HttpMethod(method), path, method == "POST" ? "{}" : null);
        Assert.Equal(503, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        Assert.Equal(message, JsonDocument.Parse(response.Body).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Plugins_list_is_empty_a_named_one_is_not_found_and_installing_is_not_implemented()
    {
        var list = await RawHttp.SendAsync(Socket, HttpMethod.Get, "/v1.47/plugins");
        Assert.Equal((200, "[]"), (list.Status, list.Body));
        var inspect = await RawHttp.SendAsync(Socket, HttpMethod.Get, "/plugins/vieux/sshfs:latest/json");
        Assert.Equal(404, inspect.Status);
        Assert.Equal("plugin \"vieux/sshfs:latest\" not found", JsonDocument.Parse(inspect.Body).RootElement.GetProperty("message").GetString());
        var pull = await RawHttp.SendAsync(Socket, HttpMethod.Post, "/plugins/pull?remote=vieux/sshfs", "[]");
        Assert.Equal(501, pull.Status);
        Assert.Equal("application/json", pull.Headers["Content-Type"]);
    }

    [Fact]
    public async Task The_docker_cli_reports_dockerd_messages_for_swarm_commands()
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "swarm", "leave");
        Assert.NotEqual(0, code);
        Assert.Equal("Error response from daemon: This node is not part of a swarm", stderr.Trim());
        (code, _, stderr) = await DockerCli.RunAsync(Host, "node", "ls");
        Assert.NotEqual(0, code);
        Assert.Equal("Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.", stderr.Trim());
        Assert.Equal("", (await DockerCli.RunOkAsync(Host, "plugin", "ls", "--format", "{{.Name}}")).Trim());
    }
}
