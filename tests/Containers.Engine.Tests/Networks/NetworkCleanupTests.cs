using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// What an engine leaves in the host's kernel: nothing after rm -f of everything and a stop; after a SIGKILL and a
/// restart its bridges are reused, a running container keeps its address and answers, and the address of a container
/// that died while the engine was down is free again.
/// </summary>
public sealed class NetworkCleanupTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Image => fixture.PlainImage;

    private async Task<(EngineProcess Engine, EngineDocker Cli)> StartAsync(string directory)
    {
        var engine = await EngineProcess.StartInAsync(directory, []);
        var cli = new EngineDocker(engine);
        await cli.Ok("pull", "-q", Image);
        return (engine, cli);
    }

    private static async Task<List<string>> OurLinks(EngineProcess engine, string networkId) =>
        (await HostNetwork.LinksAsync()).Split('\n')
            .Where(l => l.Contains(EngineProcess.BridgeName(engine.Directory)) || l.Contains("br-" + networkId[..12])).ToList();

    [Fact]
    public async Task After_rm_f_of_everything_and_an_engine_stop_no_link_or_address_of_ours_is_left()
    {
        using var directory = new TempDirectory();
        var (engine, cli) = await StartAsync(directory.Path);
        await using var _ = engine;
        var network = await cli.Ok("network", "create", DockerCli.UniqueName("app"));
        var a = await cli.Ok("run", "-d", Image, "sleep", "1000");
        var b = await cli.Ok("run", "-d", "--network", network, Image, "sleep", "1000");
        var gateways = new[] { await cli.Inspect(a, "{{.NetworkSettings.Gateway}}"),
            await cli.Inspect(b, "{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}") };
        Assert.Single(await HostNetwork.PortsOfAsync(EngineProcess.BridgeName(engine.Directory)));
        Assert.Single(await HostNetwork.PortsOfAsync("br-" + network[..12]));

        await cli.Ok("rm", "-f", a, b);
        await HostNetwork.WaitForPortsAsync(EngineProcess.BridgeName(engine.Directory), 0);
        await HostNetwork.WaitForPortsAsync("br-" + network[..12], 0);
        Assert.Equal(0, await engine.StopAsync());

        Assert.Empty(await OurLinks(engine, network));
        var addresses = await HostNetwork.AddressesAsync();
        Assert.All(gateways, g => Assert.DoesNotContain($"inet {g}/", addresses));
    }

    [Fact]
    public async Task A_changed_bridge_setting_takes_effect_at_the_next_start()
    {
        using var directory = new TempDirectory();
        await (await EngineProcess.StartInAsync(directory.Path, [])).DisposeAsync();
        var other = "ct" + Guid.NewGuid().ToString("N")[..8];
        await using var engine = await EngineProcess.StartInAsync(directory.Path, ["--bridge", other]);
        Assert.Equal(other, await new EngineDocker(engine).Ok("network", "inspect", "bridge", "--format", "{{index .Options \"com.docker.network.bridge.name\"}}"));
        Assert.True(Directory.Exists("/sys/class/net/" + other));
        Assert.False(Directory.Exists("/sys/class/net/" + EngineProcess.BridgeName(directory.Path)));
        Assert.Equal(0, await engine.StopAsync());
        Assert.False(Directory.Exists("/sys/class/net/" + other));
    }

    [Fact]
    public async Task After_a_SIGKILL_the_restarted_engine_reuses_its_bridges_keeps_running_addresses_and_frees_dead_ones()
    {
        using var directory = new TempDirectory();
        var (engine, cli) = await StartAsync(directory.Path);
        var network = await cli.Ok("network", "create", DockerCli.UniqueName("app"));
        var web = await cli.Ok("run", "-d", "--network", network, Image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc");
        var doomed = await cli.Ok("run", "-d", "--network", network, Image, "sleep", "1000");
        var webIp = await cli.Inspect(web, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        var doomedIp = await cli.Inspect(doomed, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        var doomedPid = int.Parse(await cli.Inspect(doomed, "{{.State.Pid}}"));
        Assert.Equal(web[..12] + "\n", await HostNetwork.GetAsync(webIp, 8080, "hostname"));

        engine.Signal(Posix.SIGKILL);
        await engine.StopAsync();
        Posix.Kill(doomedPid, Posix.SIGKILL); // dies while the engine is down
        await engine.DisposeAsync(); // a test engine's disposal deletes the bridges it left: the restart makes them again

        (engine, cli) = await StartAsync(directory.Path);
        await using var _ = engine;
        try
        {
            Assert.Equal(webIp, await cli.Inspect(web, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"));
            Assert.Equal(web[..12] + "\n", await HostNetwork.GetAsync(webIp, 8080, "hostname"));
            Assert.Equal("exited||", await cli.Inspect(doomed, "{{.State.Status}}|{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}|"));
            Assert.Equal(2, (await OurLinks(engine, network)).Count(l => !l.Contains("veth"))); // one default bridge, one br-
            // web's veth is on the re-made bridge with hairpin again (so web reaches its own published ports).
            var ports = Directory.GetDirectories($"/sys/class/net/br-{network[..12]}/brif");
            Assert.Single(ports);
            Assert.Equal("1", File.ReadAllText(Path.Combine(ports[0], "hairpin_mode")).Trim());
            var next = await cli.Ok("run", "-d", "--network", network, Image, "sleep", "1000");
            Assert.Equal(doomedIp, await cli.Inspect(next, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"));
            Assert.Contains($"\"IPv4Address\":\"{webIp}/", await cli.Ok("network", "inspect", network, "--format", "{{json .Containers}}"));
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
        }
    }
}
