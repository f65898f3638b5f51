using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Networks;

/// <summary>An engine, with a busybox image and one that EXPOSEs 8080/tcp in a loopback registry.</summary>
public sealed class PublishedPortFixture : RegistryEngineFixture
{
    public string Image => $"{Registries.Plain.Host}/test/busybox:ports";
    public string ExposingImage => $"{Registries.Plain.Host}/test/exposing:ports";

    protected override void PushImages()
    {
        Push(Image, new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer())]));
        Push(ExposingImage, new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer())])
        {
            ContainerConfig = new JsonObject { ["Cmd"] = new JsonArray("sh"), ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() } },
        });
    }
}

/// <summary>
/// Published ports through the real docker CLI and the real engine: -p on loopback and on every address, -p with only
/// the container port and docker port, -P with an image's EXPOSE, ps and inspect, Docker's errors for a port another
/// container or a host process has (with nothing left configured), an engine SIGKILL + restart, and rm -f.
/// Traffic goes only to the host's loopback.
/// </summary>
public sealed class PublishedPortTests(PublishedPortFixture fixture) : IClassFixture<PublishedPortFixture>
{
    /// <summary>busybox httpd on 8080 serving its first argument ($0) as the index page.</summary>
    private const string Serve = "mkdir -p /www && echo \"$0\" >/www/index.html && exec httpd -f -p 8080 -h /www";

    private EngineDocker Cli => new(fixture.Engine);

    private static async Task UntilServedAsync(int port, string body) =>
        Assert.Equal(body + "\n", await HostNetwork.GetAsync("127.0.0.1", port, ""));

    /// <summary>The host port `docker port` shows for the container's 8080/tcp on 0.0.0.0.</summary>
    private async Task<int> PortOf(EngineDocker cli, string container)
    {
        var shown = await cli.Ok("port", container, "8080");
        Assert.StartsWith("0.0.0.0:", shown);
        return int.Parse(shown["0.0.0.0:".Length..]);
    }

    [Fact]
    public async Task Run_p_on_loopback_answers_the_host_and_ps_and_inspect_show_the_binding()
    {
        var name = DockerCli.UniqueName("web");
        var port = HostNetwork.FreePort();
        await Cli.Ok("run", "-d", "--name", name, "-p", $"127.0.0.1:{port}:8080", fixture.Image, "sh", "-c", Serve, name);
        try
        {
            await UntilServedAsync(port, name);
            Assert.Equal($"127.0.0.1:{port}->8080/tcp", await Cli.Ok("ps", "--filter", $"name={name}", "--format", "{{.Ports}}"));
            Assert.Equal($"{{\"8080/tcp\":[{{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"{port}\"}}]}}",
                await Cli.Inspect(name, "{{json .NetworkSettings.Ports}}"));
            Assert.Contains($"ip daddr 127.0.0.1 tcp dport {port} dnat to", fixture.Engine.FirewallTable());
        }
        finally
        {
            await Cli.Ok("rm", "-f", name);
        }
        Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", port));
        Assert.DoesNotContain($"dport {port} ", fixture.Engine.FirewallTable());
    }

    [Fact]
    public async Task Run_p_with_the_container_port_only_takes_a_free_port_docker_port_shows_containers_reach_and_stop_releases()
    {
        var name = DockerCli.UniqueName("web");
        await Cli.Ok("run", "-d", "--name", name, "-p", "8080", fixture.Image, "sh", "-c", Serve, name);
        try
        {
            var port = await PortOf(Cli, name);
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ').Select(int.Parse).ToArray();
            Assert.InRange(port, range[0], range[1]);
            await UntilServedAsync(port, name);
            Assert.Equal($"8080/tcp -> 0.0.0.0:{port}", await Cli.Ok("port", name));
            // Through the gateway from another container and from itself (hairpin: back out of the veth it came in by,
            // masqueraded so that the reply comes back the same way).
            var gateway = await Cli.Inspect(name, "{{.NetworkSettings.Gateway}}");
            Assert.Equal(name, await Cli.Ok("run", "--rm", fixture.Image, "busybox", "wget", "-qO-", $"http://{gateway}:{port}/"));
            Assert.Equal(name, await Cli.Ok("exec", name, "busybox", "wget", "-qO-", $"http://{gateway}:{port}/"));

            await Cli.Ok("stop", "-t", "0", name);
            Assert.Equal("", await Cli.Ok("port", name));
            Assert.Equal("{}", await Cli.Inspect(name, "{{json .NetworkSettings.Ports}}"));
            Assert.DoesNotContain($"dport {port} ", fixture.Engine.FirewallTable());
            using var listener = new TcpListener(IPAddress.Any, port); // released: a host process may have it now
            listener.Start();
        }
        finally
        {
            await Cli.Ok("rm", "-f", name);
        }
    }

    [Fact]
    public async Task Run_P_publishes_the_images_exposed_port()
    {
        var name = DockerCli.UniqueName("web");
        await Cli.Ok("run", "-d", "--name", name, "-P", fixture.ExposingImage, "sh", "-c", Serve, name);
        try
        {
            var port = await PortOf(Cli, name);
            await UntilServedAsync(port, name);
            Assert.Equal($"0.0.0.0:{port}->8080/tcp", await Cli.Ok("ps", "--filter", $"name={name}", "--format", "{{.Ports}}"));
        }
        finally
        {
            await Cli.Ok("rm", "-f", name);
        }
    }

    [Fact]
    public async Task A_port_another_container_or_a_host_process_has_fails_the_start_with_Dockers_error_and_nothing_left()
    {
        var first = DockerCli.UniqueName("first");
        var second = DockerCli.UniqueName("second");
        var third = DockerCli.UniqueName("third");
        var port = HostNetwork.FreePort();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = ((IPEndPoint)listener.LocalEndpoint).Port;
        await Cli.Ok("run", "-d", "--name", first, "-p", $"127.0.0.1:{port}:8080", fixture.Image, "sh", "-c", Serve, first);
        try
        {
            var error = await Cli.Fails("run", "-d", "--name", second, "-p", $"127.0.0.1:{port}:8080", fixture.Image, "sh", "-c", Serve, second);
            Assert.Matches($"failed to set up container networking: driver failed programming external connectivity on endpoint {second} " +
                $"\\([0-9a-f]{{64}}\\): Bind for 127.0.0.1:{port} failed: port is already allocated", error);
            error = await Cli.Fails("run", "-d", "--name", third, "-p", $"127.0.0.1:{held}:8080", fixture.Image, "sh", "-c", Serve, third);
            Assert.Matches($"driver failed programming external connectivity on endpoint {third} \\([0-9a-f]{{64}}\\): " +
                $"failed to bind host port for 127.0.0.1:{held}:[0-9.]+:8080/tcp: address already in use", error);

            foreach (var failed in new[] { second, third })
            {
                Assert.Equal("created {}", await Cli.Inspect(failed, "{{.State.Status}} {{json .NetworkSettings.Ports}}"));
                Assert.Equal("", await Cli.Inspect(failed, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"));
            }
            var table = fixture.Engine.FirewallTable();
            Assert.Single(table.Split('\n'), l => l.Contains($"dport {port} "));
            Assert.DoesNotContain($"dport {held} ", table);
            Assert.Single(await HostNetwork.PortsOfAsync(EngineProcess.BridgeName(fixture.Engine.Directory)));
            await UntilServedAsync(port, first);
        }
        finally
        {
            await Cli.Ok("rm", "-f", first, second, third);
        }
    }

    [Fact]
    public async Task A_published_port_keeps_answering_across_an_engine_SIGKILL_and_restart_and_rm_f_takes_its_rule()
    {
        using var directory = new TempDirectory();
        var engine = await EngineProcess.StartInAsync(directory.Path, []);
        try
        {
            var cli = new EngineDocker(engine);
            await cli.Ok("pull", "-q", fixture.Image);
            await cli.Ok("run", "-d", "--name", "web", "-p", "8080", fixture.Image, "sh", "-c", Serve, "web");
            var port = await PortOf(cli, "web");
            await UntilServedAsync(port, "web");

            engine.Signal(Posix.SIGKILL);
            await engine.StopAsync();
            Assert.Equal("web\n", await HostNetwork.TryGetAsync("127.0.0.1", port)); // the kernel's rules need no engine
            await engine.DisposeAsync();
            engine = await EngineProcess.StartInAsync(directory.Path, []);
            cli = new EngineDocker(engine);

            Assert.Equal(port, await PortOf(cli, "web"));
            Assert.Equal("web\n", await HostNetwork.TryGetAsync("127.0.0.1", port));
            // The restarted engine holds the port again: another container cannot take it.
            Assert.Contains($"Bind for 0.0.0.0:{port} failed: port is already allocated",
                await cli.Fails("run", "-d", "--name", "late", "-p", $"{port}:8080", fixture.Image, "sh", "-c", Serve, "late"));

            await cli.Ok("rm", "-f", "web", "late");
            Assert.DoesNotContain($"dport {port} ", engine.FirewallTable());
            Assert.Null(await HostNetwork.TryGetAsync("127.0.0.1", port));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }
}
