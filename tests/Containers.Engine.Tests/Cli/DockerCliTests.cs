using System.Text.Json;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Cli;

/// <summary>The real docker CLI, an independent client of the Docker Engine API, against our engine.</summary>
public sealed class DockerCliTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;

    private async Task<string> Docker(params string[] args) => await DockerCli.RunOkAsync(Host, args);

    [Fact]
    public async Task Docker_version_shows_our_server()
    {
        var output = await Docker("version");
        Assert.Contains("Server: Containers Engine", output);
        Assert.Matches(@"API version:\s+1\.47 \(minimum version 1\.24\)", output);
    }

    [Fact]
    public async Task Docker_info_shows_the_engine_facts()
    {
        var output = await Docker("info");
        Assert.Contains($"Docker Root Dir: {fixture.Engine.DataRoot}", output);
        Assert.Contains("Cgroup Driver: cgroupfs", output);
        Assert.Contains($"CPUs: {Environment.ProcessorCount}", output);
        Assert.Contains("Operating System: Debian", output);

        using var json = JsonDocument.Parse(await Docker("info", "--format", "{{json .}}"));
        Assert.Equal("linux", json.RootElement.GetProperty("OSType").GetString());
    }

    [Fact]
    public async Task Docker_system_events_with_since_and_until_returns()
    {
        var output = await Docker("system", "events", "--since", "0", "--until", "1");
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Docker_events_reports_volume_lifecycle()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString();
        await Docker("volume", "create", "cli-events");
        await Docker("volume", "rm", "cli-events");
        var until = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString();
        var output = await Docker("events", "--since", since, "--until", until, "--filter", "volume=cli-events", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}}");
        Assert.Equal(["volume create cli-events", "volume destroy cli-events"], output.Trim().Split('\n'));
    }

    [Fact]
    public async Task Docker_volume_commands_work()
    {
        Assert.Equal("cli-vol", (await Docker("volume", "create", "--label", "a=b", "cli-vol")).Trim());
        Assert.Contains("cli-vol", await Docker("volume", "ls", "--format", "{{.Name}}"));
        using (var json = JsonDocument.Parse(await Docker("volume", "inspect", "cli-vol")))
            Assert.Equal("b", json.RootElement[0].GetProperty("Labels").GetProperty("a").GetString());
        await Docker("volume", "rm", "cli-vol");
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "volume", "inspect", "cli-vol");
        Assert.NotEqual(0, code);
        Assert.Contains("no such volume", stderr);
    }

    [Fact]
    public async Task Docker_reports_our_error_messages()
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "volume", "create", "bad/name");
        Assert.NotEqual(0, code);
        Assert.StartsWith("Error response from daemon: \"bad/name\" includes invalid characters for a local volume name", stderr.Trim());
    }
}
