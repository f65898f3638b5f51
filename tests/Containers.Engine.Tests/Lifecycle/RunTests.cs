using System.Diagnostics;
using System.Text.Json;
using Containers.Engine.Tests.Images;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// The run path through the real docker CLI against the real engine: run, attach (with and without stdin), wait,
/// logs, stop, kill, pause, restart, rm -f, --rm and exit codes, as a user types them.
/// </summary>
public sealed class RunTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    private async Task<JsonElement> State(string name)
    {
        using var doc = JsonDocument.Parse(await Docker("inspect", "--format", "{{json .State}}", name));
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Run_rm_prints_the_output_and_leaves_no_container()
    {
        var name = Unique("hi");
        var (code, stdout, stderr) = await DockerCli.RunAsync(Host, "run", "--rm", "--name", name, Image, "echo", "hi");
        Assert.True(code == 0, stderr);
        Assert.Equal("hi\n", stdout);
        Assert.DoesNotContain(name, await Docker("ps", "-a", "--format", "{{.Names}}"));
    }

    [Fact]
    public async Task A_fast_exit_never_hangs_run()
    {
        for (int i = 0; i < 10; i++)
        {
            var (code, _, stderr) = await DockerCli.RunAsync(Host, "run", "--rm", Image, "true");
            Assert.True(code == 0, stderr);
        }
    }

    [Fact]
    public async Task The_exit_code_is_the_containers_and_ps_and_inspect_show_it()
    {
        var name = Unique("exit");
        var (code, _, _) = await DockerCli.RunAsync(Host, "run", "--name", name, Image, "sh", "-c", "exit 3");
        Assert.Equal(3, code);
        var state = await State(name);
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        Assert.Equal(3, state.GetProperty("ExitCode").GetInt32());
        Assert.False(state.GetProperty("Running").GetBoolean());
        Assert.NotEqual("0001-01-01T00:00:00Z", state.GetProperty("FinishedAt").GetString());
        Assert.StartsWith("Exited (3) ", await Docker("ps", "-a", "--filter", $"name={name}", "--format", "{{.Status}}"));
        await Docker("rm", name);
    }

    [Fact]
    public async Task A_missing_command_exits_127_with_Dockers_message_and_leaves_nothing_running()
    {
        var name = Unique("nocmd");
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "run", "--name", name, Image, "nosuchcmd");
        Assert.Equal(127, code);
        Assert.Contains("exec: \"nosuchcmd\": executable file not found in $PATH", stderr);
        Assert.Equal("created", (await State(name)).GetProperty("Status").GetString());
        await Docker("rm", name);
        Assert.DoesNotContain(name, File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public async Task Stdin_is_forwarded_and_closed_with_run_i()
    {
        var (code, stdout, stderr) = await DockerCli.RunWithInputAsync(Host, "abc\n", "run", "-i", "--rm", Image, "cat");
        Assert.True(code == 0, stderr);
        Assert.Equal("abc\n", stdout);
    }

    [Fact]
    public async Task Detached_containers_show_in_ps_and_logs_has_tail_timestamps_and_follow()
    {
        var name = Unique("logs");
        var id = await Docker("run", "-d", "--name", name, Image, "sh", "-c", "echo one; echo two; echo err >&2; sleep 2; echo three");
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.StartsWith("Up ", await Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}"));
        await Poll.UntilAsync(async () => (await DockerCli.RunAsync(Host, "logs", name)).Stderr.Contains("err"), "the first lines");

        var (_, stdout, stderr) = await DockerCli.RunAsync(Host, "logs", name);
        Assert.StartsWith("one\ntwo\n", stdout);
        Assert.Equal("err\n", stderr);
        var tail = await DockerCli.RunAsync(Host, "logs", "--tail", "1", name); // the last line is the one on stderr
        Assert.Equal(("", "err\n"), (tail.Stdout, tail.Stderr));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z one$", (await Docker("logs", "-t", name)).Split('\n')[0]);

        // -f ends by itself when the container stops, with everything it wrote.
        var followed = await Docker("logs", "-f", name);
        Assert.Equal("one\ntwo\nthree", followed);
        Assert.Equal("0", await Docker("wait", name));
        await Docker("rm", name);
    }

    [Fact]
    public async Task Stop_kills_a_process_that_ignores_SIGTERM_after_the_timeout()
    {
        var name = Unique("stop");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done");
        var clock = Stopwatch.StartNew();
        Assert.Equal(name, await Docker("stop", "-t", "1", name));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 15);
        var state = await State(name);
        Assert.Equal(137, state.GetProperty("ExitCode").GetInt32());
        Assert.Equal("exited", state.GetProperty("Status").GetString());
        await Docker("rm", name);
    }

    [Fact]
    public async Task Kill_sends_the_signal_the_user_names()
    {
        var name = Unique("kill");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "trap 'echo got-usr1' USR1; echo ready; while true; do sleep 0.1; done");
        await Poll.UntilAsync(async () => (await Docker("logs", name)).Contains("ready"), "the trap to be set");
        await Docker("kill", "-s", "USR1", name);
        await Poll.UntilAsync(async () => (await Docker("logs", name)).Contains("got-usr1"), "the trap to run");
        Assert.True((await State(name)).GetProperty("Running").GetBoolean());
        await Docker("kill", name);
        Assert.Equal("137", await Docker("wait", name));
        await Docker("rm", name);
    }

    [Fact]
    public async Task Pause_unpause_restart_and_rm_f_of_a_running_container()
    {
        var name = Unique("pause");
        await Docker("run", "-d", "--name", name, Image, "sleep", "1000");
        await Docker("pause", name);
        Assert.EndsWith("(Paused)", await Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}"));
        Assert.True((await State(name)).GetProperty("Paused").GetBoolean());
        await Docker("unpause", name);
        var started = (await State(name)).GetProperty("StartedAt").GetString();
        Assert.False((await State(name)).GetProperty("Paused").GetBoolean());

        await Docker("restart", "-t", "0", name);
        var state = await State(name);
        Assert.True(state.GetProperty("Running").GetBoolean());
        Assert.NotEqual(started, state.GetProperty("StartedAt").GetString());
        Assert.True(state.GetProperty("Pid").GetInt32() > 0);

        Assert.Equal(name, await Docker("rm", "-f", name));
        Assert.DoesNotContain(name, await Docker("ps", "-a", "--format", "{{.Names}}"));
    }

    [Fact]
    public async Task Wait_returns_the_exit_code_of_a_running_container()
    {
        var name = Unique("wait");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "sleep 1; exit 4");
        Assert.Equal("4", await Docker("wait", name));
        await Docker("rm", name);
    }

    [Fact]
    public async Task Inspect_after_start_has_Dockers_network_settings_shape()
    {
        var name = Unique("net");
        await Docker("run", "-d", "--name", name, Image, "sleep", "1000");
        using var doc = JsonDocument.Parse(await Docker("inspect", "--format", "{{json .NetworkSettings}}", name));
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("Ports").ValueKind);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("Networks").ValueKind);
        await Docker("rm", "-f", name);
    }

    [Fact]
    public async Task Json_file_logs_rotate_by_max_size_and_max_file()
    {
        var name = Unique("rotate");
        await Docker("run", "--name", name, "--log-opt", "max-size=10k", "--log-opt", "max-file=2", Image,
            "sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done");
        var id = await Docker("inspect", "--format", "{{.Id}}", name);
        var logs = Directory.GetFiles(Path.Combine(fixture.Engine.DataRoot, "containers", id), id + "-json.log*");
        Assert.InRange(logs.Length, 1, 2);
        Assert.All(logs, f => Assert.InRange(new FileInfo(f).Length, 1, 12 * 1024));
        Assert.EndsWith("line-1999-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", await Docker("logs", "--tail", "1", name));
        await Docker("rm", name);
    }

    [Fact]
    public async Task A_memory_hog_is_OOM_killed()
    {
        var name = Unique("oom");
        var (code, _, _) = await DockerCli.RunAsync(Host, "run", "--name", name, "--memory", "8m", Image, "sh", "-c", "x=aaaaaaaa; while true; do x=$x$x; done");
        Assert.Equal(137, code);
        var state = await State(name);
        Assert.True(state.GetProperty("OOMKilled").GetBoolean());
        Assert.Equal(137, state.GetProperty("ExitCode").GetInt32());
        await Docker("rm", name);
    }

    [Fact]
    public async Task Fifty_concurrent_runs_then_rm_f_leave_no_mount_or_cgroup()
    {
        var label = Unique("many");
        var runs = Enumerable.Range(0, 50).Select(_ => DockerCli.RunOkAsync(Host, "run", "-d", "--label", "batch=" + label, Image, "sleep", "1000"));
        var ids = (await Task.WhenAll(runs)).Select(s => s.Trim()).ToList();
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, (await Docker("ps", "-q", "--filter", "label=batch=" + label)).Split('\n').Length);
        await Docker(["rm", "-f", .. ids]);
        var mounts = File.ReadAllText("/proc/self/mountinfo");
        Assert.DoesNotContain(ids, id => mounts.Contains(id));
        var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup", "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 });
        Assert.DoesNotContain(cgroups, dir => ids.Any(id => dir.EndsWith(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_it_is_an_interactive_shell_under_tmux()
    {
        var session = Unique("tty");
        var config = Path.Combine(Path.GetTempPath(), session + "-config");
        Directory.CreateDirectory(config);
        try
        {
            var command = $"{DockerCli.Path} --config {config} -H {Host} run -it --rm {Image} sh; echo EXIT=$?; sleep 60";
            await Tmux.RunAsync("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command);
            await Poll.UntilAsync(async () => (await Tmux.RunAsync("capture-pane", "-p", "-t", session)).Contains("/ #"), "the shell prompt");
            await Tmux.RunAsync("send-keys", "-t", session, "echo $((6*7))", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.RunAsync("capture-pane", "-p", "-t", session)).Split('\n').Any(l => l.Trim() == "42"), "the answer 42");
            await Tmux.RunAsync("send-keys", "-t", session, "exit 5", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.RunAsync("capture-pane", "-p", "-t", session)).Contains("EXIT=5"), "the CLI to exit 5");
        }
        finally
        {
            await Tmux.RunAsync("kill-session", "-t", session);
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public async Task The_client_starts_stops_pauses_kills_and_waits()
    {
        using var client = fixture.Engine.CreateClient();
        await foreach (var _ in client.PullImageAsync(Image)) { }
        var created = await client.CreateContainerAsync(new Containers.Api.ContainerCreateRequest { Image = Image, Cmd = ["sleep", "1000"] }, Unique("client"));
        Assert.True(await client.StartContainerAsync(created.Id));
        Assert.False(await client.StartContainerAsync(created.Id)); // 304: already running
        await client.PauseContainerAsync(created.Id);
        Assert.Equal("paused", (await client.InspectContainerAsync(created.Id)).State.Status);
        await client.UnpauseContainerAsync(created.Id);
        Assert.True(await client.StopContainerAsync(created.Id, timeoutSeconds: 0));
        Assert.False(await client.StopContainerAsync(created.Id, timeoutSeconds: 0)); // 304: not running
        Assert.Equal(137, await client.WaitContainerAsync(created.Id));
        await client.RestartContainerAsync(created.Id, timeoutSeconds: 0);
        Assert.True((await client.InspectContainerAsync(created.Id)).State.Running);
        await client.KillContainerAsync(created.Id, "SIGKILL");
        Assert.Equal(137, await client.WaitContainerAsync(created.Id));
        await Assert.ThrowsAsync<Containers.Client.ContainersConflictException>(() => client.KillContainerAsync(created.Id));
        await client.RemoveContainerAsync(created.Id);
        await Assert.ThrowsAsync<Containers.Client.ContainersNotFoundException>(() => client.StartContainerAsync(created.Id));
    }
}
