using System.Net;
using System.Text.Json;
using Containers.Api;
using Containers.Client;
using Containers.Engine.Tests.Api;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Networks;

/// <summary>The network management plane through the real docker CLI: predefined networks, create/inspect/rm, IPAM, prune, filters.</summary>
public sealed class NetworkApiTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;

    private Task<string> Docker(params string[] args) => DockerCli.RunOkAsync(Host, args);

    /// <summary>Runs a command that must fail; returns the first line of its error (`network rm` adds "exit status 1").</summary>
    private async Task<string> DockerFails(params string[] args)
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, args);
        Assert.NotEqual(0, code);
        return stderr.Trim().Split('\n')[0].Trim();
    }

    private static async Task<Network> InspectAsync(string host, string name)
    {
        var json = await DockerCli.RunOkAsync(host, "network", "inspect", name);
        return Assert.Single(JsonSerializer.Deserialize(json, ApiJson.Context.ListNetwork)!);
    }

    private static IPNetwork Subnet(Network n) => IPNetwork.Parse(Assert.Single(n.IPAM.Config!).Subnet!);

    private static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    /// <summary>The host's IPv4 routes but the default one, as `ip -4 route` prints them; with <paramref name="device"/>
    /// only those through it, else all but those through <paramref name="except"/> (a network's own bridge).</summary>
    private static List<IPNetwork> HostRoutes(string? except = null, string? device = null) =>
        ProcessRunner.Run("ip", "-4", "route").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains($" dev {device} ") == (device is not null) && (except is null || !line.Contains($" dev {except} ")))
            .Select(line => line.Split(' ')[0] is var first && first.Contains('/') ? first : first + "/32")
            .Where(p => IPNetwork.TryParse(p, out _)).Select(p => IPNetwork.Parse(p)).ToList();

    /// <summary>The network's subnet is routed through its own bridge only (no other route of the host overlaps it).</summary>
    private static void AssertRoutedThroughOwnBridgeOnly(IPNetwork subnet, string bridge)
    {
        Assert.DoesNotContain(HostRoutes(except: bridge), r => Overlap(r, subnet));
        Assert.Contains(subnet, HostRoutes(device: bridge));
    }

    [Fact]
    public async Task The_predefined_networks_are_listed_as_dockerd_lists_them()
    {
        var rows = (await Docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("bridge bridge local", rows);
        Assert.Contains("host host local", rows);
        Assert.Contains("none null local", rows);

        var bridge = await InspectAsync(Host, "bridge");
        var config = Assert.Single(bridge.IPAM.Config!);
        var subnet = IPNetwork.Parse(config.Subnet!);
        Assert.True(subnet.Contains(IPAddress.Parse(config.Gateway!)));
        AssertRoutedThroughOwnBridgeOnly(subnet, EngineProcess.BridgeName(fixture.Engine.Directory));
        Assert.Equal(EngineProcess.BridgeName(fixture.Engine.Directory), bridge.Options["com.docker.network.bridge.name"]);
        Assert.Equal("true", bridge.Options["com.docker.network.bridge.default_bridge"]);
        Assert.Empty((await InspectAsync(Host, "none")).IPAM.Config!);
    }

    [Fact]
    public async Task Create_inspect_and_rm_a_network_with_a_free_subnet()
    {
        var name = DockerCli.UniqueName("app");
        var id = (await Docker("network", "create", "--label", "tier=web", "--internal", name)).Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        var network = await InspectAsync(Host, name);
        Assert.Equal(id, network.Id);
        Assert.Equal("bridge", network.Driver);
        Assert.Equal("local", network.Scope);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$", network.Created);
        Assert.True(network.Internal);
        Assert.Equal("web", network.Labels["tier"]);
        var subnet = Subnet(network);
        Assert.Matches(@"^(172\.(1[7-9]|2\d|3[01])\.0\.0/16|192\.168\.\d+\.0/20)$", subnet.ToString());
        var gateway = IPAddress.Parse(network.IPAM.Config![0].Gateway!);
        Assert.Equal(subnet.BaseAddress.GetAddressBytes()[..3].Append((byte)1), gateway.GetAddressBytes());
        AssertRoutedThroughOwnBridgeOnly(subnet, "br-" + id[..12]);
        Assert.False(Overlap(subnet, Subnet(await InspectAsync(Host, "bridge"))));
        Assert.Equal(id, (await InspectAsync(Host, id[..12])).Id);

        Assert.Equal(name, (await Docker("network", "rm", name)).Trim());
        Assert.False(Directory.Exists("/sys/class/net/br-" + id[..12]));
        Assert.Equal($"Error response from daemon: network {name} not found", await DockerFails("network", "inspect", name));
        Assert.Equal($"Error response from daemon: network {name} not found", await DockerFails("network", "rm", name));
    }

    [Fact]
    public async Task A_given_subnet_gateway_and_range_are_honoured_and_overlaps_refused()
    {
        var name = DockerCli.UniqueName("given");
        await Docker("network", "create", "--subnet", "10.99.0.0/24", "--gateway", "10.99.0.1", "--ip-range", "10.99.0.128/25", name);
        try
        {
            var config = Assert.Single((await InspectAsync(Host, name)).IPAM.Config!);
            Assert.Equal(("10.99.0.0/24", "10.99.0.1", "10.99.0.128/25"), (config.Subnet, config.Gateway, config.IPRange));

            var other = DockerCli.UniqueName("overlap");
            Assert.Equal("Error response from daemon: invalid pool request: Pool overlaps with other one on this address space",
                await DockerFails("network", "create", "--subnet", "10.99.0.0/16", other));
            var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/networks/create",
                $$$"""{"Name":"{{{other}}}","IPAM":{"Config":[{"Subnet":"10.99.0.64/26"}]}}""");
            Assert.Equal(403, r.Status);
            await DockerFails("network", "inspect", other);
        }
        finally { await Docker("network", "rm", name); }
    }

    [Theory]
    [InlineData("10.98.0.0/33", "", "invalid network config:\ninvalid subnet 10.98.0.0/33: invalid CIDR block notation")]
    [InlineData("10.98.0.1/24", "", "invalid network config:\ninvalid subnet 10.98.0.1/24: it should be 10.98.0.0/24")]
    [InlineData("10.98.0.0/24", "10.97.0.1", "invalid network config:\ninvalid gateway 10.97.0.1: parent subnet 10.98.0.0/24 doesn't contain ip address 10.97.0.1")]
    public async Task Invalid_ipam_is_refused_with_dockerds_message(string subnet, string gateway, string message)
    {
        var body = JsonSerializer.Serialize(new NetworkCreateRequest
        {
            Name = DockerCli.UniqueName("bad"),
            IPAM = new NetworkIpam { Config = [new IpamConfig { Subnet = subnet, Gateway = gateway.Length > 0 ? gateway : null }] },
        }, ApiJson.Context.NetworkCreateRequest);
        var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/networks/create", body);
        Assert.Equal(400, r.Status);
        Assert.Equal(message, SystemApiTests.Message(r));
    }

    [Fact]
    public async Task Docker_rules_on_names_drivers_and_predefined_networks()
    {
        var name = DockerCli.UniqueName("dup");
        await Docker("network", "create", name);
        try
        {
            Assert.Equal($"Error response from daemon: network with name {name} already exists", await DockerFails("network", "create", name));
            var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/networks/create", $$"""{"Name":"{{name}}"}""");
            Assert.Equal(409, r.Status);
        }
        finally { await Docker("network", "rm", name); }

        Assert.Equal("Error response from daemon: bridge is a pre-defined network and cannot be removed", await DockerFails("network", "rm", "bridge"));
        Assert.Equal("Error response from daemon: operation is not permitted on predefined host network", await DockerFails("network", "create", "host"));
        Assert.Equal("Error response from daemon: plugin \"nosuch\" not found", await DockerFails("network", "create", "-d", "nosuch", DockerCli.UniqueName("x")));
        Assert.Contains("bridge", await Docker("network", "ls", "--format", "{{.Name}}"));
    }

    [Fact]
    public async Task Filters_select_networks_and_prune_removes_unused_user_defined_ones()
    {
        var tag = DockerCli.UniqueName("t");
        var (a, b) = (DockerCli.UniqueName("fa"), DockerCli.UniqueName("fb"));
        await Docker("network", "create", "--label", tag + "=1", a);
        await Docker("network", "create", "--label", tag + "=2", b);

        async Task<string[]> Names(params string[] filters) =>
            (await Docker(["network", "ls", "--format", "{{.Name}}", .. filters.SelectMany(f => new[] { "--filter", f })]))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal([a, b], await Names("label=" + tag));
        Assert.Equal([b], await Names("label=" + tag + "=2"));
        Assert.Equal([a], await Names("label=" + tag, "name=" + a));
        Assert.Equal(["none"], await Names("driver=null"));
        Assert.Equal(["bridge", "host", "none"], await Names("type=builtin"));
        Assert.Equal([a, b], await Names("type=custom", "label=" + tag, "dangling=true"));
        Assert.Empty(await Names("dangling=false", "label=" + tag));
        var id = (await InspectAsync(Host, b)).Id;
        Assert.Equal([b], await Names("id=" + id[..10]));
        Assert.Contains("invalid filter 'colour'", await DockerFails("network", "ls", "--filter", "colour=red"));
        Assert.Contains("invalid filter: 'type'='other'", await DockerFails("network", "ls", "--filter", "type=other"));

        var pruned = await Docker("network", "prune", "-f", "--filter", "label=" + tag + "=1");
        Assert.Equal(["Deleted Networks:", a], pruned.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([b], await Names("label=" + tag));
        await Docker("network", "prune", "-f");
        Assert.Empty(await Names("label=" + tag));
        Assert.Equal(["bridge", "host", "none"], await Names("type=builtin"));
    }

    [Fact]
    public async Task Records_and_their_subnets_survive_an_engine_restart()
    {
        using var dir = new TempDirectory();
        var engineDir = Path.Combine(dir, "e");
        string bridgeId, appId;
        IPNetwork appSubnet;
        await using (var engine = await EngineProcess.StartInAsync(engineDir, []))
        {
            var host = "unix://" + engine.SocketPath;
            appId = (await DockerCli.RunOkAsync(host, "network", "create", "app")).Trim();
            appSubnet = Subnet(await InspectAsync(host, "app"));
            bridgeId = (await InspectAsync(host, "bridge")).Id;
            engine.Signal(Posix.SIGKILL);
            await engine.StopAsync();
        }
        // What a crash in the middle of a record write leaves: AtomicFile's temporary file, never a torn record.
        var leftover = Path.Combine(engineDir, "data", "networks", "." + appId + ".json.0123.tmp");
        File.WriteAllText(leftover, "{\"Name\":");
        await using var again = await EngineProcess.StartInAsync(engineDir, []);
        var again_host = "unix://" + again.SocketPath;
        Assert.False(File.Exists(leftover));
        var app = await InspectAsync(again_host, "app");
        Assert.Equal((appId, appSubnet), (app.Id, Subnet(app)));
        var bridge = await InspectAsync(again_host, "bridge");
        Assert.Equal(bridgeId, bridge.Id);
        await DockerCli.RunOkAsync(again_host, "network", "create", "web");
        var web = Subnet(await InspectAsync(again_host, "web"));
        Assert.False(Overlap(web, appSubnet));
        Assert.False(Overlap(web, Subnet(bridge)));
        Assert.Equal(["app", "bridge", "host", "none", "web"],
            (await DockerCli.RunOkAsync(again_host, "network", "ls", "--format", "{{.Name}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_client_manages_networks_and_each_change_is_an_event_of_type_network()
    {
        using var client = fixture.Engine.CreateClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = DockerCli.UniqueName("cl");
        var created = await client.CreateNetworkAsync(new NetworkCreateRequest { Name = name, Labels = new() { ["k"] = "v" } });
        Assert.Equal(created.Id, (await client.GetNetworkAsync(name)).Id);
        var listed = await client.ListNetworksAsync(new Dictionary<string, string[]> { ["name"] = [name] });
        Assert.Equal([name], listed.Select(n => n.Name));
        await client.RemoveNetworkAsync(created.Id);
        var e = await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.GetNetworkAsync(created.Id));
        Assert.Equal($"network {created.Id} not found", e.Message);

        var events = new List<string>();
        await foreach (var m in client.GetEventsAsync(new EventsQuery(since, DateTimeOffset.UtcNow.AddSeconds(1),
            new Dictionary<string, string[]> { ["type"] = ["network"], ["network"] = [created.Id] })))
            events.Add($"{m.Action} {m.Actor.Attributes["name"]} {m.Actor.Attributes["type"]}");
        Assert.Equal([$"create {name} bridge", $"destroy {name} bridge"], events);

        var info = await DockerCli.RunOkAsync(Host, "info", "--format", "{{json .Plugins.Network}}");
        Assert.Equal("""["bridge","host","null"]""", info.Trim());
    }

    [Fact]
    public async Task Networks_created_at_once_get_distinct_subnets()
    {
        using var client = fixture.Engine.CreateClient();
        var names = Enumerable.Range(0, 8).Select(_ => DockerCli.UniqueName("par")).ToList();
        await Task.WhenAll(names.Select(n => client.CreateNetworkAsync(new NetworkCreateRequest { Name = n })));
        try
        {
            var subnets = new List<IPNetwork>();
            foreach (var n in names) subnets.Add(Subnet(await client.GetNetworkAsync(n)));
            subnets.Add(Subnet(await client.GetNetworkAsync("bridge")));
            for (var i = 0; i < subnets.Count; i++)
                for (var j = i + 1; j < subnets.Count; j++)
                    Assert.False(Overlap(subnets[i], subnets[j]), $"{subnets[i]} overlaps {subnets[j]}");
        }
        finally
        {
            foreach (var n in names) await client.RemoveNetworkAsync(n);
        }
    }
}
