using System.Net;
using Containers.Api;
using Containers.Engine.Networks;
using Containers.Engine.Networks.Firewall;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// The engine's nftables table against real kernel networking, without the engine: bridges and namespaces made by the
/// test (<see cref="TestBridge"/>), busybox httpd inside, the table applied from a state and traffic sent only to
/// loopback and to the test's own namespaces.
/// </summary>
public sealed class FirewallTests : IDisposable
{
    private readonly FirewallTable _firewall = new(TestBridge.UniqueName("ct"));
    private readonly PortMapper _ports = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _ports.Dispose();
        _firewall.Remove();
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
    }

    private TestBridge NewBridge()
    {
        var bridge = new TestBridge();
        _owned.Add(bridge);
        return bridge;
    }

    private static FirewallBridge Describe(TestBridge bridge, bool isInternal = false) =>
        new(bridge.Name, Ipv4Prefix.TryParse(bridge.Subnet)!.Value, Internal: isInternal);

    private string ListTable() => ProcessRunner.Run("nft", "list", "table", "ip", _firewall.Table);

    private bool TableExists() => ProcessRunner.RunAsync("nft", ["list", "table", "ip", _firewall.Table]).GetAwaiter().GetResult().ExitCode == 0;

    [Fact]
    public async Task Published_ports_answer_the_hosts_loopback_and_stop_when_unmapped()
    {
        var bridge = NewBridge();
        var web = bridge.AddNamespace();
        await web.ServeAsync(8080, "published-" + web.Name);
        var mappings = _ports.Map("c1", PortBindings.Publish(("8080/tcp", "127.0.0.1", ""), ("8080/tcp", "", "")), null, IPAddress.Parse(web.Address), bridge.Name);
        Assert.Equal(2, mappings.Count);
        var loopback = Assert.Single(mappings, m => m.HostIp.Equals(IPAddress.Loopback));
        var any = Assert.Single(mappings, m => m.HostIp.Equals(IPAddress.Any));

        _firewall.Apply(new FirewallState([Describe(bridge)], _ports.Mappings));

        Assert.Equal("published-" + web.Name, await HostNetwork.TryGetAsync("127.0.0.1", loopback.HostPort));
        Assert.Equal("published-" + web.Name, await HostNetwork.TryGetAsync("127.0.0.1", any.HostPort));
        Assert.Equal("1", File.ReadAllText($"/proc/sys/net/ipv4/conf/{bridge.Name}/route_localnet").Trim());

        _ports.Unmap("c1");
        _firewall.Apply(new FirewallState([Describe(bridge)], _ports.Mappings));
        Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", loopback.HostPort));
        Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", any.HostPort));
        Assert.DoesNotContain("dnat", ListTable());
    }

    [Fact]
    public async Task The_engine_firewall_publishes_a_starting_containers_ports_all_or_none_and_unpublishes_them()
    {
        var bridge = NewBridge();
        var web = bridge.AddNamespace();
        await web.ServeAsync(8080, "engine-" + web.Name);
        var network = new Network
        {
            Name = "quiet", Id = "q1",
            IPAM = new NetworkIpam { Config = [new IpamConfig { Subnet = bridge.Subnet }] },
            Options = new() { [FirewallBridge.IccOption] = "false" },
        };
        var engine = new EngineFirewall(_firewall, _ports, () => [FirewallBridge.Of(network, bridge.Name)!]);
        using var held = new System.Net.Sockets.TcpListener(IPAddress.Any, 0);
        held.Start();
        var heldPort = ((IPEndPoint)held.LocalEndpoint).Port;
        var address = IPAddress.Parse(web.Address);

        var error = Assert.Throws<PortMappingException>(() =>
            engine.Publish("c1", PortBindings.Publish(("8080/tcp", "127.0.0.1", ""), ("8081/tcp", "", $"{heldPort}")), null, address, bridge.Name));
        Assert.EndsWith($"{heldPort}:{web.Address}:8081/tcp: address already in use", error.Message);
        Assert.Empty(_ports.Mappings);
        Assert.False(TableExists());

        var mapping = Assert.Single(engine.Publish("c1", PortBindings.Publish(("8080/tcp", "127.0.0.1", "")), null, address, bridge.Name));
        Assert.Equal("engine-" + web.Name, await HostNetwork.TryGetAsync("127.0.0.1", mapping.HostPort));
        Assert.Contains($"iifname \"{bridge.Name}\" oifname \"{bridge.Name}\" drop", ListTable());

        engine.Unpublish("c1");
        Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", mapping.HostPort));
        Assert.DoesNotContain("dnat", ListTable());
        engine.Remove();
        Assert.False(TableExists());
    }

    [Fact]
    public async Task A_published_port_on_one_address_is_not_served_on_another()
    {
        var bridge = NewBridge();
        var web = bridge.AddNamespace();
        await web.ServeAsync(8080, "only-127.0.0.2");
        var mapping = Assert.Single(_ports.Map("c1", PortBindings.Publish(("8080/tcp", "127.0.0.2", "")), null, IPAddress.Parse(web.Address), bridge.Name));
        _firewall.Apply(new FirewallState([Describe(bridge)], _ports.Mappings));

        Assert.Equal("only-127.0.0.2", await HostNetwork.TryGetAsync("127.0.0.2", mapping.HostPort));
        Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", mapping.HostPort));
    }

    [Fact]
    public async Task The_table_is_rewritten_whole_and_removed_without_touching_another_table()
    {
        var other = TestBridge.UniqueName("ct");
        ProcessRunner.Run("nft", "add", "table", "ip", other);
        try
        {
            var bridge = NewBridge();
            _firewall.Apply(new FirewallState([Describe(bridge)], []));
            Assert.Contains($"oifname != \"{bridge.Name}\" ip saddr {bridge.Subnet} masquerade", ListTable());

            _firewall.Apply(FirewallState.Empty);
            Assert.DoesNotContain(bridge.Name, ListTable());

            _firewall.Remove();
            Assert.False(TableExists());
            _firewall.Remove();
            Assert.Equal(0, (await ProcessRunner.RunAsync("nft", ["list", "table", "ip", other])).ExitCode);
        }
        finally
        {
            ProcessRunner.Run("nft", "delete", "table", "ip", other);
        }
    }

    [Fact]
    public async Task Containers_on_two_bridges_are_isolated_while_each_bridge_talks_within_itself()
    {
        var a = NewBridge();
        var b = NewBridge();
        var a1 = a.AddNamespace();
        var a2 = a.AddNamespace();
        var b1 = b.AddNamespace();
        await a2.ServeAsync(8080, "a2");
        await b1.ServeAsync(8080, "b1");

        // Only A is the engine's: it may go out, so B (not ours) is reachable through the host's forwarding.
        _firewall.Apply(new FirewallState([Describe(a)], []));
        Assert.Equal("b1", await a1.GetAsync($"http://{b1.Address}:8080/"));

        _firewall.Apply(new FirewallState([Describe(a), Describe(b)], []));
        Assert.Null(await a1.GetAsync($"http://{b1.Address}:8080/"));
        Assert.Null(await b1.GetAsync($"http://{a2.Address}:8080/"));
        Assert.Equal("a2", await a1.GetAsync($"http://{a2.Address}:8080/"));
    }

    [Fact]
    public async Task An_internal_bridge_has_traffic_only_within_itself()
    {
        var inner = NewBridge();
        var outer = NewBridge();
        var i1 = inner.AddNamespace();
        var i2 = inner.AddNamespace();
        var o1 = outer.AddNamespace();
        await i2.ServeAsync(8080, "i2");
        await o1.ServeAsync(8080, "o1");
        _firewall.Apply(new FirewallState([Describe(inner, isInternal: true), Describe(outer)], []));

        Assert.Equal("i2", await i1.GetAsync($"http://{i2.Address}:8080/"));
        Assert.Null(await i1.GetAsync($"http://{o1.Address}:8080/"));
        Assert.Null(await o1.GetAsync($"http://{i2.Address}:8080/"));
        Assert.DoesNotContain($"oifname != \"{inner.Name}\" ip saddr {inner.Subnet} masquerade", ListTable());
    }

    [Fact]
    public void The_rules_follow_the_bridges_settings()
    {
        var state = new FirewallState(
            [
                new FirewallBridge("tbquiet", Ipv4Prefix.TryParse("10.9.1.0/24")!.Value, Masquerade: false, Icc: false),
                new FirewallBridge("tbloud", Ipv4Prefix.TryParse("10.9.2.0/24")!.Value),
            ],
            [new PortMapping("c", "udp", IPAddress.Parse("127.0.0.1"), 5353, IPAddress.Parse("10.9.2.2"), 53, "tbloud")]);
        var script = NftRuleset.Render("ctrender", state);

        Assert.StartsWith("table ip ctrender\ndelete table ip ctrender\ntable ip ctrender {", script);
        Assert.Contains("ip daddr 127.0.0.1 udp dport 5353 dnat to 10.9.2.2:53", script);
        Assert.Contains("iifname \"tbquiet\" oifname \"tbquiet\" drop", script);
        Assert.Contains("iifname \"tbloud\" oifname \"tbloud\" accept", script);
        Assert.Contains("iifname \"tbloud\" oifname \"tbquiet\" ct status & dnat == 0 drop", script);
        Assert.Contains("oifname \"tbloud\" ip saddr 127.0.0.0/8 masquerade", script);
        Assert.DoesNotContain("oifname \"tbquiet\" ip saddr 127.0.0.0/8 masquerade", script);
        Assert.DoesNotContain("ip saddr 10.9.1.0/24 masquerade", script);
        Assert.Contains("oifname != \"tbloud\" ip saddr 10.9.2.0/24 masquerade", script);
        Assert.Equal(0, ProcessRunner.RunAsync("nft", ["-c", "-f", WriteTemp(script)]).GetAwaiter().GetResult().ExitCode);
        Assert.Throws<ArgumentException>(() => NftRuleset.Render("ctrender", new FirewallState([new FirewallBridge("x\" accept", default)], [])));
        Assert.Contains("iifname \"br@x+1\" accept", NftRuleset.Render("ctrender", new FirewallState([new FirewallBridge("br@x+1", default)], [])));
    }

    private string WriteTemp(string text)
    {
        var dir = new TempDirectory();
        _owned.Add(dir);
        var path = Path.Combine(dir.Path, "ruleset.nft");
        File.WriteAllText(path, text);
        return path;
    }
}
