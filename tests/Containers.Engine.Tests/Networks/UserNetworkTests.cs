using System.Text.Json;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// User-defined bridge networks and the network modes through the docker CLI and the real kernel: a bridge per network,
/// aliases and fixed addresses, rm of a network in use, connect/disconnect live and for a stopped container, none, host,
/// container:X, and the container's hostname, hosts, resolv.conf and MAC address.
/// </summary>
public sealed class UserNetworkTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private EngineDocker Cli => new(fixture.Engine);
    private string Host => Cli.Host;
    private string Image => fixture.PlainImage;


    /// <summary>A /24 of 10.200-254.x.0 unlikely to be any other engine's.</summary>
    private static string RandomSubnet() => $"10.{Random.Shared.Next(200, 255)}.{Random.Shared.Next(0, 256)}.0/24";

    private static string Prefix(string subnet) => subnet[..subnet.LastIndexOf('.')];

    [Fact]
    public async Task A_user_network_has_its_bridge_and_gives_fixed_addresses_and_aliases()
    {
        var (network, subnet) = (DockerCli.UniqueName("app"), RandomSubnet());
        var id = await Cli.Ok("network", "create", "--subnet", subnet, network);
        var web = DockerCli.UniqueName("web");
        try
        {
            Assert.Contains($"inet {Prefix(subnet)}.1/24 ", await HostNetwork.AddressesAsync());
            Assert.Contains($"br-{id[..12]}", await HostNetwork.LinksAsync());
            await Cli.Ok("run", "-d", "--name", web, "--network", network, "--network-alias", "webalias", "--ip", Prefix(subnet) + ".77",
                Image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc");
            Assert.Equal($"{Prefix(subnet)}.77 {Prefix(subnet)}.1 [webalias]", await Cli.Inspect(web, $"{{{{with index .NetworkSettings.Networks \"{network}\"}}}}{{{{.IPAddress}}}} {{{{.Gateway}}}} {{{{.Aliases}}}}{{{{end}}}}"));
            var shortId = (await Cli.Inspect(web, "{{.Id}}"))[..12];
            Assert.Equal($"[{web} webalias {shortId}]", await Cli.Inspect(web, $"{{{{(index .NetworkSettings.Networks \"{network}\").DNSNames}}}}"));
            Assert.Equal("", await Cli.Inspect(web, "{{.NetworkSettings.IPAddress}}")); // the legacy fields are the default bridge's
            Assert.Contains($"\"IPv4Address\":\"{Prefix(subnet)}.77/24\"", await Cli.Ok("network", "inspect", network, "--format", "{{json .Containers}}"));
            Assert.Equal(shortId, await Cli.Ok("run", "--rm", "--network", network, Image, "busybox", "wget", "-qO-", $"http://{Prefix(subnet)}.77:8080/hostname"));
            Assert.Contains("Address already in use", await Cli.Fails("run", "--rm", "--network", network, "--ip", Prefix(subnet) + ".77", Image, "true"));
            Assert.Contains("user specified IP address is supported on user defined networks only",
                await Cli.Fails("create", "--ip", Prefix(subnet) + ".9", Image, "true"));
            var aliased = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/v1.47/containers/create",
                "{\"Image\":\"" + Image + "\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"bridge\":{\"Aliases\":[\"x\"]}}}}");
            Assert.Equal(400, aliased.Status);
            Assert.Contains("network-scoped alias is supported only for containers in user defined networks", aliased.Body);
        }
        finally
        {
            await DockerCli.RunAsync(Host, "rm", "-f", web);
            await Cli.Ok("network", "rm", network);
        }
        Assert.DoesNotContain($"br-{id[..12]}", await HostNetwork.LinksAsync());
    }

    [Fact]
    public async Task A_network_never_takes_over_an_interface_of_the_host()
    {
        var name = DockerCli.UniqueName("own");
        Assert.Contains("bridge name lo is already in use on this host",
            await Cli.Fails("network", "create", "-o", "com.docker.network.bridge.name=lo", name));
        Assert.DoesNotContain(name, await Cli.Ok("network", "ls", "--format", "{{.Name}}"));
        var bridge = "ct" + Guid.NewGuid().ToString("N")[..8];
        await Cli.Ok("network", "create", "-o", "com.docker.network.bridge.name=" + bridge, name);
        Assert.True(Directory.Exists("/sys/class/net/" + bridge));
        await Cli.Ok("network", "rm", name);
        Assert.False(Directory.Exists("/sys/class/net/" + bridge));
    }

    [Fact]
    public async Task Rm_of_a_network_with_running_containers_is_409_with_dockers_text()
    {
        var network = DockerCli.UniqueName("busy");
        var id = await Cli.Ok("network", "create", network);
        var c = await Cli.Ok("run", "-d", "--network", network, Image, "sleep", "1000");
        try
        {
            var response = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Delete, "/v1.47/networks/" + network);
            Assert.Equal(409, response.Status);
            Assert.Equal($"error while removing network: network {network} id {id} has active endpoints",
                JsonDocument.Parse(response.Body).RootElement.GetProperty("message").GetString());
            Assert.Contains(network, await Cli.Ok("network", "ls", "--format", "{{.Name}}"));
        }
        finally { await Cli.Ok("rm", "-f", c); }
        await Cli.Ok("network", "rm", network);
    }

    [Fact]
    public async Task Connect_and_disconnect_add_and_remove_an_interface_live_or_at_the_next_start()
    {
        var (network, subnet) = (DockerCli.UniqueName("side"), RandomSubnet());
        await Cli.Ok("network", "create", "--subnet", subnet, network);
        var running = await Cli.Ok("run", "-d", Image, "sleep", "1000");
        var stopped = await Cli.Ok("create", Image, "sleep", "1000");
        using var client = fixture.Engine.CreateClient();
        try
        {
            await Cli.Ok("network", "connect", "--alias", "side1", network, running);
            var ip = await Cli.Inspect(running, $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}");
            Assert.StartsWith(Prefix(subnet) + ".", ip);
            Assert.Contains($"eth1    inet {ip}/24", await Cli.Ok("exec", running, "busybox", "ip", "-o", "-4", "addr"));
            var hostname = await Cli.Inspect(running, "{{.Config.Hostname}}");
            Assert.Contains($"{ip}\t{hostname}", (await Cli.Ok("exec", running, "cat", "/etc/hosts")).Split('\n'));
            Assert.Contains(running, await Cli.Ok("network", "inspect", network, "--format", "{{json .Containers}}"));
            Assert.Contains("already exists in network", await Cli.Fails("network", "connect", network, running));

            await Cli.Ok("network", "disconnect", network, running);
            Assert.DoesNotContain("eth1", await Cli.Ok("exec", running, "busybox", "ip", "-o", "link"));
            Assert.DoesNotContain(ip, await Cli.Ok("exec", running, "cat", "/etc/hosts"));
            Assert.Equal("[bridge]", await Cli.Inspect(running, "{{range $k, $v := .NetworkSettings.Networks}}[{{$k}}]{{end}}"));
            Assert.Contains("is not connected to network", await Cli.Fails("network", "disconnect", network, running));
            await client.ConnectNetworkAsync(network, running);
            Assert.Contains(running, await Cli.Ok("network", "inspect", network, "--format", "{{json .Containers}}"));
            await client.DisconnectNetworkAsync(network, running);

            await client.ConnectNetworkAsync(network, stopped, new Containers.Api.EndpointSettings { Aliases = ["late"] });
            Assert.Equal("[late]", await Cli.Inspect(stopped, $"{{{{(index .NetworkSettings.Networks \"{network}\").Aliases}}}}"));
            Assert.Equal("", await Cli.Inspect(stopped, $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}"));
            await Cli.Ok("start", stopped);
            var links = await Cli.Ok("exec", stopped, "busybox", "ip", "-o", "-4", "addr");
            Assert.Contains("eth0    inet ", links);
            Assert.Contains($"eth1    inet {Prefix(subnet)}.", links);
        }
        finally
        {
            await Cli.Ok("rm", "-f", running, stopped);
            await Cli.Ok("network", "rm", network);
        }
    }

    [Fact]
    public async Task Start_and_stop_publish_network_connect_before_start_and_disconnect_after_die_as_dockerd()
    {
        var network = DockerCli.UniqueName("evt");
        var networkId = await Cli.Ok("network", "create", network);
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var id = await Cli.Ok("run", "-d", "--network", network, Image, "sleep", "1000");
        try { await Cli.Ok("stop", "-t", "0", id); }
        finally { await Cli.Ok("rm", "-f", id); }
        await Cli.Ok("network", "rm", network);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var events = (await Cli.Ok("events", "--since", since.ToString(), "--until", until.ToString(),
                "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes \"container\"}}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(id)).Select(l => string.Join(' ', l.Split(' ')[..2])).Where(e => e != "container kill").ToList();
        Assert.Equal(["container create", "network connect", "container start", "container die", "network disconnect", "container stop", "container destroy"], events);
        Assert.Contains($"network connect {networkId} {id}", await Cli.Ok("events", "--since", since.ToString(), "--until", until.ToString(),
            "--filter", "type=network", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.container}}"));
    }

    [Fact]
    public async Task None_host_and_container_modes_share_or_isolate_the_namespace()
    {
        Assert.Equal("lo", await Cli.Ok("run", "--rm", "--network", "none", Image, "ls", "/sys/class/net"));
        var bridge = EngineProcess.BridgeName(fixture.Engine.Directory);
        Assert.Contains(bridge, (await Cli.Ok("run", "--rm", "--network", "host", Image, "ls", "/sys/class/net")).Split('\n'));
        Assert.Equal(Environment.MachineName, await Cli.Ok("run", "--rm", "--network", "host", Image, "busybox", "hostname"));

        var web = DockerCli.UniqueName("web");
        await Cli.Ok("run", "-d", "--name", web, Image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc");
        try
        {
            var hostname = (await Cli.Inspect(web, "{{.Id}}"))[..12];
            await Poll.UntilAsync(async () => (await DockerCli.RunAsync(Host, "run", "--rm", "--network", "container:" + web, Image,
                "busybox", "wget", "-qO-", "http://127.0.0.1:8080/hostname")).Stdout.Trim() == hostname, "web's loopback to answer");
            Assert.Contains("cannot be connected to any other network",
                await Cli.Fails("network", "connect", "bridge", await Cli.Ok("create", "--network", "container:" + web, Image, "true")));
        }
        finally { await Cli.Ok("rm", "-f", web); }
    }

    [Fact]
    public async Task Hostname_add_host_dns_options_and_mac_address_reach_the_container()
    {
        var output = await Cli.Ok("run", "--rm", "--hostname", "h1", "--add-host", "foo:10.1.2.3", "--add-host", "gw:host-gateway",
            "--dns", "10.9.9.9", "--dns-search", "example.test", "--dns-option", "ndots:2", "--mac-address", "02:42:aa:bb:cc:dd",
            Image, "sh", "-c", "hostname; cat /etc/hosts /etc/resolv.conf /sys/class/net/eth0/address");
        var gateway = await Cli.Ok("network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}");
        Assert.StartsWith("h1\n", output);
        Assert.Contains("10.1.2.3\tfoo\n", output);
        Assert.Contains($"{gateway}\tgw\n", output);
        Assert.Matches(@"\n\d+\.\d+\.\d+\.\d+\th1\n", output);
        Assert.Contains("nameserver 10.9.9.9\nsearch example.test\noptions ndots:2\n", output);
        Assert.EndsWith("02:42:aa:bb:cc:dd", output);
    }
}
