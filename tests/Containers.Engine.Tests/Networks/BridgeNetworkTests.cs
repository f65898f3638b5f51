using System.Text.Json;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// The data path of the default bridge through the docker CLI and the real kernel: the engine's own bridge, a veth per
/// container with its address, the host and other containers reaching it, and nothing left after <c>rm -f</c>.
/// </summary>
public sealed class BridgeNetworkTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private EngineDocker Cli => new(fixture.Engine);
    private string Image => fixture.PlainImage;
    private string Bridge => EngineProcess.BridgeName(fixture.Engine.Directory);


    /// <summary>A busybox httpd serving the container's /etc on port 8080.</summary>
    private async Task<string> RunWebServer(params string[] options) =>
        await Cli.Ok(["run", "-d", .. options, Image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"]);

    [Fact]
    public async Task A_container_on_the_default_bridge_gets_an_address_the_host_and_other_containers_reach()
    {
        var id = await RunWebServer();
        try
        {
            using var bridgeNetwork = JsonDocument.Parse(await Cli.Ok("network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"));
            var pool = bridgeNetwork.RootElement[0];
            var (subnet, gateway) = (pool.GetProperty("Subnet").GetString()!, pool.GetProperty("Gateway").GetString()!);
            Assert.Contains($"inet {gateway}/{subnet.Split('/')[1]} ", await HostNetwork.AddressesAsync());

            var ip = await Cli.Ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", id);
            Assert.StartsWith(subnet.Split('.')[0] + "." + subnet.Split('.')[1] + ".", ip);
            var octets = ip.Split('.').Select(int.Parse).ToArray();
            Assert.Equal($"{gateway} 16 02:42:{octets[0]:x2}:{octets[1]:x2}:{octets[2]:x2}:{octets[3]:x2} {Bridge} {ip}",
                await Cli.Ok("inspect", "-f", "{{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.MacAddress}} {{.NetworkSettings.Bridge}} {{.NetworkSettings.Networks.bridge.IPAddress}}", id));
            var pid = await Cli.Ok("inspect", "-f", "{{.State.Pid}}", id);
            Assert.Equal($"/proc/{pid}/ns/net", await Cli.Ok("inspect", "-f", "{{.NetworkSettings.SandboxKey}}", id));

            var hostname = id[..12];
            Assert.Equal(hostname + "\n", await HostNetwork.GetAsync(ip, 8080, "hostname"));
            Assert.Equal(hostname, await Cli.Ok("run", "--rm", Image, "busybox", "wget", "-qO-", $"http://{ip}:8080/hostname"));
            Assert.EndsWith($"\n{ip}\t{hostname}", await Cli.Ok("exec", id, "cat", "/etc/hosts"));
            var inside = await Cli.Ok("exec", id, "busybox", "ip", "-o", "-4", "addr");
            Assert.Contains($"eth0    inet {ip}/16", inside);
            Assert.Contains($"default via {gateway} dev eth0", await Cli.Ok("exec", id, "busybox", "ip", "route"));
            await HostNetwork.WaitForPortsAsync(Bridge, 1); // the wget container's went with its namespace
        }
        finally { await Cli.Ok("rm", "-f", id); }
    }

    [Fact]
    public async Task Rm_f_leaves_no_veth_and_frees_the_address()
    {
        var first = await RunWebServer();
        var ip = await Cli.Ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", first);
        Assert.NotEmpty(await HostNetwork.PortsOfAsync(Bridge));
        await Cli.Ok("rm", "-f", first);
        await HostNetwork.WaitForPortsAsync(Bridge, 0);
        Assert.DoesNotContain(first[..12], await Cli.Ok("network", "inspect", "bridge", "--format", "{{json .Containers}}"));

        var second = await RunWebServer();
        try
        {
            Assert.Equal(ip, await Cli.Ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", second));
            Assert.Contains(second, await Cli.Ok("network", "inspect", "bridge", "--format", "{{json .Containers}}"));
        }
        finally { await Cli.Ok("rm", "-f", second); }
    }

    [Fact]
    public async Task A_stopped_container_keeps_its_network_entry_without_an_address_and_gets_one_again_at_start_and_restart()
    {
        var id = await Cli.Ok("run", "-d", Image, "sleep", "1000");
        await Cli.Ok("stop", "-t", "0", id);
        try
        {
            await HostNetwork.WaitForPortsAsync(Bridge, 0);
            Assert.Equal("|||true", await Cli.Ok("inspect", "-f",
                "{{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Networks.bridge.IPAddress}}|{{.NetworkSettings.Networks.bridge.MacAddress}}|{{ne .NetworkSettings.Networks.bridge.NetworkID \"\"}}", id));
            Assert.Equal("bridge", await Cli.Ok("ps", "-a", "--filter", "id=" + id, "--format", "{{.Networks}}"));

            await Cli.Ok("start", id);
            var ip = await Cli.Inspect(id, "{{.NetworkSettings.IPAddress}}");
            Assert.Contains($"eth0    inet {ip}/16", await Cli.Ok("exec", id, "busybox", "ip", "-o", "-4", "addr"));
            await Cli.Ok("restart", "-t", "0", id); // the same veth name again, maybe while the last one is still going
            Assert.Contains($"eth0    inet {await Cli.Inspect(id, "{{.NetworkSettings.IPAddress}}")}/16", await Cli.Ok("exec", id, "busybox", "ip", "-o", "-4", "addr"));
            await HostNetwork.WaitForPortsAsync(Bridge, 1);
        }
        finally { await Cli.Ok("rm", "-f", id); }
    }
}
