using System.Text.Json;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Resources;

/// <summary>
/// A container's resources through the real docker CLI against the real engine: <c>docker top</c> (host ps, the
/// container's processes only), <c>docker update</c> (the live cgroup and the persisted HostConfig) and
/// <c>docker stats</c> (Docker's JSON, so the CLI prints CPU % and MEM USAGE / LIMIT).
/// </summary>
public sealed class ResourceTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Image => fixture.PlainImage;
    private string Host => "unix://" + fixture.Engine.SocketPath;

    /// <summary>Runs the CLI, asserts success, returns the trimmed output.</summary>
    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    /// <summary>Runs a detached container and returns its name; the caller removes it.</summary>
    private async Task<string> RunDetached(string prefix, params string[] args)
    {
        var name = DockerCli.UniqueName(prefix);
        await Docker(["run", "-d", "--name", name, .. args]);
        return name;
    }

    private async Task Remove(string name) => await DockerCli.RunAsync(Host, "rm", "-f", name);

    [Fact]
    public async Task Top_lists_the_containers_process_with_its_host_pid_and_uid()
    {
        var name = await RunDetached("top", Image, "sleep", "1000");
        try
        {
            var hostPid = await Docker("inspect", "--format", "{{.State.Pid}}", name);
            var lines = (await Docker("top", name)).Split('\n');
            Assert.Equal(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var row = Assert.Single(lines.Skip(1));
            var fields = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("root", fields[0]);
            Assert.Equal(hostPid, fields[1]);
            Assert.EndsWith("sleep 1000", row);
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Top_passes_ps_args_through_and_keeps_only_the_containers_processes()
    {
        var name = await RunDetached("topargs", Image, "sh", "-c", "sleep 1000 & sleep 2000; true");
        try
        {
            string[] lines = [];
            await Poll.UntilAsync(async () => (lines = (await Docker("top", name, "-o", "pid,comm")).Split('\n')).Length == 4, "sh and its two sleeps");
            Assert.Equal(["PID", "COMMAND"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var commands = lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order().ToList();
            Assert.Equal(["sh", "sleep", "sleep"], commands);
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Top_refuses_bad_ps_args_and_a_stopped_container_with_Dockers_messages()
    {
        var name = DockerCli.UniqueName("topbad");
        await Docker("create", "--name", name, Image, "sleep", "1000");
        try
        {
            var (code, _, stderr) = await DockerCli.RunAsync(Host, "top", name);
            Assert.NotEqual(0, code);
            Assert.Contains("is not running", stderr);
            await Docker("start", name);
            (code, _, stderr) = await DockerCli.RunAsync(Host, "top", name, "--no-such-ps-option");
            Assert.NotEqual(0, code);
            Assert.Contains("Error response from daemon: ps: ", stderr);
            (code, _, stderr) = await DockerCli.RunAsync(Host, "top", name, "-o", "comm");
            Assert.NotEqual(0, code);
            Assert.Contains("Couldn't find PID field in ps output", stderr);
        }
        finally { await Remove(name); }
    }
}
