using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// Names on user-defined networks through the real engine and the docker CLI, as a compose project uses them: the
/// embedded resolver at 127.0.0.11 answers containers' names, aliases and short IDs on their networks, nothing of other
/// networks, and forgets a removed container. Test engines forward nothing upstream (their resolv.conf names only a
/// loopback server, which the resolver leaves out), so no name is ever resolved outside the machine.
/// </summary>
public sealed class ContainerDnsTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    private Task<string> Docker(params string[] args) => DockerIn(fixture.Engine, args);

    private static async Task<string> DockerIn(EngineProcess engine, params string[] args) =>
        (await DockerCli.RunOkAsync("unix://" + engine.SocketPath, args)).Trim();

    /// <summary>busybox nslookup of <paramref name="name"/> in a container: its exit code and output.</summary>
    private static async Task<(int Code, string Output)> Nslookup(EngineProcess engine, string container, string name)
    {
        var (code, stdout, stderr) = await DockerCli.RunAsync("unix://" + engine.SocketPath, "exec", container, "busybox", "nslookup", name);
        return (code, stdout + stderr);
    }

    /// <summary>A busybox httpd serving the container's /etc on port 8080 (GET /hostname answers its hostname).</summary>
    private static Task<string> RunWebServer(EngineProcess engine, string image, params string[] options) =>
        DockerIn(engine, ["run", "-d", .. options, image, "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"]);

    private static Task<string> IpOn(EngineProcess engine, string container, string network) =>
        DockerIn(engine, "inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container);

    [Fact]
    public async Task Containers_on_a_network_reach_each_other_by_name_alias_and_short_id()
    {
        var app = DockerCli.UniqueName("app");
        var (web, client) = (DockerCli.UniqueName("web"), DockerCli.UniqueName("client"));
        await Docker("network", "create", app);
        try
        {
            var webId = await RunWebServer(fixture.Engine, Image, "--name", web, "--network", app, "--network-alias", "frontend");
            await Docker("run", "-d", "--name", client, "--network", app, Image, "sleep", "1000");
            var webIp = await IpOn(fixture.Engine, web, app);

            foreach (var name in new[] { web, "frontend", webId[..12], web.ToUpperInvariant() })
                Assert.Equal(webId[..12], await Docker("exec", client, "busybox", "wget", "-qO-", $"http://{name}:8080/hostname"));
            var (code, output) = await Nslookup(fixture.Engine, client, web);
            Assert.True(code == 0, output);
            Assert.Contains($"Address: {webIp}", output);
            Assert.Contains($"name = {web}.{app}", (await Nslookup(fixture.Engine, client, webIp)).Output);

            var resolv = await Docker("exec", client, "cat", "/etc/resolv.conf");
            Assert.Contains("nameserver 127.0.0.11\n", resolv + "\n");
            Assert.Contains("options ndots:0", resolv);
            Assert.DoesNotContain("nameserver 127.0.0.1\n", resolv + "\n");

            // A container in client's namespace (container:client) asks the same resolver; --dns-search and
            // --dns-option reach the file, the nameserver stays the resolver's and ndots:0 is added. (Busybox nslookup
            // also asks the search domains' names, which test engines answer SERVFAIL, so it is run without one.)
            Assert.Equal("nameserver 127.0.0.11\nsearch corp.test\noptions timeout:3 ndots:0", await Docker("run", "--rm",
                "--network", "container:" + client, "--dns-search", "corp.test", "--dns-option", "timeout:3", Image, "cat", "/etc/resolv.conf"));
            Assert.Contains($"Address: {webIp}", await Docker("run", "--rm", "--network", "container:" + client, Image, "busybox", "nslookup", web));
        }
        finally
        {
            await Docker("rm", "-f", web, client);
            await Docker("network", "rm", app);
        }
    }

    [Fact]
    public async Task Another_network_does_not_resolve_them_and_a_removed_container_is_forgotten()
    {
        var (app, other) = (DockerCli.UniqueName("app"), DockerCli.UniqueName("other"));
        var (web, client, stranger) = (DockerCli.UniqueName("web"), DockerCli.UniqueName("client"), DockerCli.UniqueName("stranger"));
        await Docker("network", "create", app);
        await Docker("network", "create", other);
        try
        {
            await RunWebServer(fixture.Engine, Image, "--name", web, "--network", app);
            await Docker("run", "-d", "--name", client, "--network", app, Image, "sleep", "1000");
            await Docker("run", "-d", "--name", stranger, "--network", other, Image, "sleep", "1000");
            var webIp = await IpOn(fixture.Engine, web, app);
            Assert.Contains($"Address: {webIp}", (await Nslookup(fixture.Engine, client, web)).Output);

            var (code, output) = await Nslookup(fixture.Engine, stranger, web);
            Assert.NotEqual(0, code);
            Assert.DoesNotContain(webIp, output);
            Assert.Contains("SERVFAIL", output); // not a name of its networks, and nothing upstream to ask

            await Docker("rm", "-f", web);
            (code, output) = await Nslookup(fixture.Engine, client, web);
            Assert.NotEqual(0, code);
            Assert.DoesNotContain(webIp, output);
        }
        finally
        {
            await Docker("rm", "-f", client, stranger);
            await DockerCli.RunAsync(Host, "rm", "-f", web);
            await Docker("network", "rm", app, other);
        }
    }

    [Fact]
    public async Task The_default_bridge_keeps_the_hosts_resolv_conf()
    {
        var resolv = await Docker("run", "--rm", Image, "cat", "/etc/resolv.conf");
        Assert.DoesNotContain("127.0.0.11", resolv);
    }

    [Fact]
    public async Task Names_resolve_again_after_an_engine_restart()
    {
        using var dir = new TempDirectory();
        var engine = await EngineProcess.StartInAsync(dir, []);
        try
        {
            await DockerIn(engine, "pull", "-q", Image);
            await DockerIn(engine, "network", "create", "app");
            var webId = await RunWebServer(engine, Image, "--name", "web", "--network", "app");
            await DockerIn(engine, "run", "-d", "--name", "client", "--network", "app", Image, "sleep", "1000");
            var webIp = await IpOn(engine, "web", "app");

            // Killed: its sockets die with it; the engine started again serves the running containers' names anew.
            engine.Signal(Posix.SIGKILL);
            await engine.StopAsync();
            await engine.DisposeAsync();
            engine = await EngineProcess.StartInAsync(dir, []);

            var (code, output) = await Nslookup(engine, "client", "web");
            Assert.True(code == 0, output);
            Assert.Contains($"Address: {webIp}", output);
            Assert.Contains($"name = web.app", (await Nslookup(engine, "client", webIp)).Output);
            Assert.Equal(webId[..12], await DockerIn(engine, "exec", "client", "busybox", "wget", "-qO-", "http://web:8080/hostname"));
        }
        finally
        {
            await engine.RemoveAllContainersAsync();
            await engine.DisposeAsync();
        }
    }
}
