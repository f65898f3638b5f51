using System.Globalization;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// Engine restarts lose nothing: the real engine killed with SIGKILL (or stopped with SIGTERM) and started again on
/// the same directories while its containers run, stop or restart by policy, checked through the docker CLI and
/// against /proc and /sys. Each test has an engine of its own, so what it counts is its alone.
/// </summary>
public sealed class RestoreTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Image => fixture.PlainImage;

    private const string Counter = "i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done";

    /// <summary>An engine in <paramref name="directory"/> (kept across its restarts) with the test image pulled.</summary>
    private async Task<EngineProcess> StartAsync(string directory, params string[] arguments)
    {
        var engine = await EngineProcess.StartInAsync(directory, arguments);
        await Docker(engine, "pull", "-q", Image);
        return engine;
    }

    /// <summary>SIGKILL, an outage of <paramref name="outage"/>, the engine started again on the same directory.</summary>
    private static async Task<EngineProcess> KillAndRestartAsync(EngineProcess engine, TimeSpan outage, Action? whileDown = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        engine.Signal(Posix.SIGKILL);
        await engine.StopAsync();
        whileDown?.Invoke(); // an assertion failing here leaves the exited engine to the caller's disposal
        await engine.DisposeAsync();
        await Task.Delay(outage);
        return await EngineProcess.StartInAsync(engine.Directory, [], environment: environment);
    }

    private static async Task<string> Docker(EngineProcess engine, params string[] args) =>
        (await DockerCli.RunOkAsync("unix://" + engine.SocketPath, args)).Trim();

    private static Task<string> Inspect(EngineProcess engine, string container, string format) =>
        Docker(engine, "inspect", "--format", format, container);

    private static async Task WaitForStatus(EngineProcess engine, string container, string status) =>
        await Poll.UntilAsync(async () => await Inspect(engine, container, "{{.State.Status}}") == status, $"{container} to be {status}");

    /// <summary>The counter's log as numbers; asserts every line is the one after the line before (no gap, no repeat).</summary>
    private static async Task<int> AssertCounterLog(EngineProcess engine, string container)
    {
        var lines = (await Docker(engine, "logs", container)).Split('\n');
        for (int i = 0; i < lines.Length; i++) Assert.Equal(i.ToString(CultureInfo.InvariantCulture), lines[i]);
        return lines.Length;
    }

    [Fact]
    public async Task A_running_container_survives_SIGKILL_of_the_engine_with_its_pid_its_log_attach_exec_stats_and_stop()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            await Docker(engine, "run", "-d", "--name", "counter", Image, "sh", "-c", Counter);
            var pid = await Inspect(engine, "counter", "{{.State.Pid}}");
            await Poll.UntilAsync(async () => (await Docker(engine, "logs", "counter")).Contains('5'), "the counter to count");
            int beforeKill = 0;
            engine = await KillAndRestartAsync(engine, TimeSpan.FromSeconds(2), whileDown: () => beforeKill = File.ReadAllLines(LogOf(dir)).Length);

            Assert.Equal("running " + pid, await Inspect(engine, "counter", "{{.State.Status}} {{.State.Pid}}"));
            Assert.StartsWith("Up ", await Docker(engine, "ps", "--filter", "name=counter", "--format", "{{.Status}}"));
            // The shim kept writing the log while the engine was down: about 20 lines came in the 2 s outage.
            await Poll.UntilAsync(async () => await AssertCounterLog(engine, "counter") > beforeKill + 15, "the lines written during the outage");
            Assert.Equal("inside", await Docker(engine, "exec", "counter", "echo", "inside"));
            Assert.Equal("counter", await Docker(engine, "stats", "--no-stream", "--format", "{{.Name}}", "counter"));

            var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var attach = DockerCli.RunAsync("unix://" + engine.SocketPath, "attach", "--no-stdin", "counter");
            await Poll.UntilAsync(async () => (await Docker(engine, "events", "--since", since, "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                "--filter", "container=counter", "--filter", "event=attach", "--format", "{{.Action}}")).Contains("attach"), "the attach");

            await Docker(engine, "stop", "-t", "1", "counter"); // sh as PID 1 ignores SIGTERM: the SIGKILL after 1 s
            Assert.Equal("exited 137", await Inspect(engine, "counter", "{{.State.Status}} {{.State.ExitCode}}"));
            var (attachCode, attached, _) = await attach; // the attach follows the adopted run to its end
            Assert.Equal(137, attachCode);
            var numbers = attached.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            Assert.NotEmpty(numbers);
            Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
            Assert.False(EngineResources.IsAlive(int.Parse(pid, CultureInfo.InvariantCulture)));
            await AssertCounterLog(engine, "counter");
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    /// <summary>The json-file log of the one container in the engine's data root.</summary>
    private static string LogOf(string engineDirectory) =>
        Directory.EnumerateFiles(Path.Combine(engineDirectory, "data", "containers"), "*-json.log", SearchOption.AllDirectories).Single();

    [Fact]
    public async Task Log_rotation_goes_on_while_the_engine_is_down_and_logs_read_across_the_rotated_files_after()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            await Docker(engine, "run", "-d", "--name", "rotating", "--log-opt", "max-size=2k", "--log-opt", "max-file=3", Image,
                "sh", "-c", "i=0; while true; do echo $i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); sleep 0.02; done");
            var id = await Inspect(engine, "rotating", "{{.Id}}");
            string[] Logs() => Directory.GetFiles(Path.Combine(dir, "data", "containers", id), id + "-json.log*");
            await Poll.UntilAsync(() => Task.FromResult(Logs().Length == 3), "the log to rotate into three files");
            int lastBefore = 0;
            engine = await KillAndRestartAsync(engine, TimeSpan.FromSeconds(2),
                whileDown: () => lastBefore = LastNumber(File.ReadAllLines(LogOf(dir)).Last()));

            // The shim went on writing and rotating without the engine: never more than three files of about 2 KiB.
            Assert.InRange(Logs().Length, 1, 3);
            Assert.All(Logs(), f => Assert.InRange(new FileInfo(f).Length, 1, 3 * 1024));
            var numbers = (await Docker(engine, "logs", "rotating")).Split('\n').Select(l => int.Parse(l.Split('-')[0], CultureInfo.InvariantCulture)).ToList();
            Assert.True(numbers[^1] > lastBefore + 20, $"the log did not go on while the engine was down ({numbers[^1]} vs {lastBefore})");
            for (int i = 1; i < numbers.Count; i++) Assert.Equal(numbers[i - 1] + 1, numbers[i]); // read across the rotated files in order
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static int LastNumber(string jsonLine) =>
        int.Parse(System.Text.Json.JsonDocument.Parse(jsonLine).RootElement.GetProperty("log").GetString()!.Split('-')[0], CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_container_that_exits_while_the_engine_is_down_shows_its_exit_code_and_FinishedAt()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            await Docker(engine, "run", "-d", "--name", "ender", Image, "sh", "-c", "trap 'echo bye; exit 7' USR1; while true; do sleep 0.05; done");
            await Poll.UntilAsync(async () => (await Docker(engine, "top", "ender")).Contains("sleep"), "the trap to be set");
            var pid = int.Parse(await Inspect(engine, "ender", "{{.State.Pid}}"), CultureInfo.InvariantCulture);
            DateTimeOffset released = default, ended = default;
            engine = await KillAndRestartAsync(engine, TimeSpan.Zero, whileDown: () =>
            {
                released = DateTimeOffset.UtcNow;
                Posix.Kill(pid, 10); // SIGUSR1: the trap exits 7
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (EngineResources.IsAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(50);
                Assert.False(EngineResources.IsAlive(pid), "the container did not end: " + string.Join(", ",
                    EngineResources.Processes().Where(p => p.Pid == pid || p.Parent == pid).Select(p => $"{p.Pid} {p.State} {string.Join(' ', p.Args)}")));
                ended = DateTimeOffset.UtcNow;
            });

            Assert.Equal("exited 7 false 0", await Inspect(engine, "ender", "{{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.Pid}}"));
            var finished = DateTimeOffset.Parse(await Inspect(engine, "ender", "{{.State.FinishedAt}}"), CultureInfo.InvariantCulture);
            Assert.InRange(finished, released.AddSeconds(-1), ended.AddSeconds(1)); // when it ended, not when the engine noticed
            Assert.StartsWith("Exited (7) ", await Docker(engine, "ps", "-a", "--filter", "name=ender", "--format", "{{.Status}}"));
            Assert.Equal("bye", await Docker(engine, "logs", "ender"));
            Assert.Equal("7", await Docker(engine, "wait", "ender"));
            var id = await Inspect(engine, "ender", "{{.Id}}");
            Assert.Empty(EngineResources.Shims(engine.ExecRoot, [id]));
            Assert.Empty(EngineResources.CgroupsOf([id]));
            Assert.Equal(0, EngineResources.Mounts(engine.Directory));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task On_failure_2_restarts_twice_then_stays_exited()
    {
        using var dir = new TempDirectory();
        await using var engine = await StartAsync(dir);
        await Docker(engine, "run", "-d", "--name", "failing", "--restart", "on-failure:2", Image, "sh", "-c", "exit 1");
        await Poll.UntilAsync(async () => await Inspect(engine, "failing", "{{.State.Status}} {{.RestartCount}}") == "exited 2", "two restarts");
        await Task.Delay(TimeSpan.FromSeconds(1)); // longer than the third back-off (400 ms): nothing more comes
        Assert.Equal("exited 2 1", await Inspect(engine, "failing", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}"));
        var events = await Docker(engine, "events", "--since", "0", "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "--filter", "container=failing", "--filter", "event=restart", "--format", "{{.Action}}");
        Assert.Equal(["restart", "restart"], events.Split('\n'));
    }

    [Fact]
    public async Task Restart_policies_are_honoured_when_the_engine_starts_again()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            await Docker(engine, "run", "-d", "--name", "always", "--restart", "always", Image, "sleep", "1000");
            await Docker(engine, "run", "-d", "--name", "kept", "--restart", "unless-stopped", Image, "sleep", "1000");
            await Docker(engine, "run", "-d", "--name", "stopped", "--restart", "unless-stopped", Image, "sleep", "1000");
            await Docker(engine, "run", "-d", "--name", "none", Image, "sleep", "1000");
            await Docker(engine, "stop", "-t", "0", "stopped");
            var always = int.Parse(await Inspect(engine, "always", "{{.State.Pid}}"), CultureInfo.InvariantCulture);
            var none = int.Parse(await Inspect(engine, "none", "{{.State.Pid}}"), CultureInfo.InvariantCulture);
            var kept = await Inspect(engine, "kept", "{{.State.Pid}}");

            // While the engine is down, the always and the no-policy containers die (as after an OOM or a kill -9).
            engine = await KillAndRestartAsync(engine, TimeSpan.Zero, whileDown: () =>
            {
                Posix.Kill(always, Posix.SIGKILL);
                Posix.Kill(none, Posix.SIGKILL);
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while ((EngineResources.IsAlive(always) || EngineResources.IsAlive(none)) && DateTime.UtcNow < deadline) Thread.Sleep(50);
            });

            await WaitForStatus(engine, "always", "running");
            Assert.NotEqual(always.ToString(CultureInfo.InvariantCulture), await Inspect(engine, "always", "{{.State.Pid}}"));
            Assert.Equal("1", await Inspect(engine, "always", "{{.RestartCount}}"));
            Assert.Equal("running " + kept, await Inspect(engine, "kept", "{{.State.Status}} {{.State.Pid}}"));
            Assert.Equal("exited 137", await Inspect(engine, "none", "{{.State.Status}} {{.State.ExitCode}}"));
            Assert.Equal("exited", await Inspect(engine, "stopped", "{{.State.Status}}"));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stop_and_rm_f_interrupt_a_restart_back_off()
    {
        using var dir = new TempDirectory();
        await using var engine = await StartAsync(dir);
        foreach (var name in new[] { "backoff1", "backoff2" })
            await Docker(engine, "run", "-d", "--name", name, "--restart", "always", Image, "sh", "-c", "exit 1");
        // After 4 restarts the next back-off is 1.6 s: the containers spend nearly all their time restarting.
        await Poll.UntilAsync(async () => int.Parse(await Inspect(engine, "backoff1", "{{.RestartCount}}"), CultureInfo.InvariantCulture) >= 4
            && int.Parse(await Inspect(engine, "backoff2", "{{.RestartCount}}"), CultureInfo.InvariantCulture) >= 4, "four restarts");

        await Docker(engine, "stop", "backoff1");
        var count = await Inspect(engine, "backoff1", "{{.RestartCount}}");
        Assert.Equal("exited", await Inspect(engine, "backoff1", "{{.State.Status}}"));
        await Docker(engine, "rm", "-f", "backoff2");
        Assert.DoesNotContain("backoff2", await Docker(engine, "ps", "-a", "--format", "{{.Names}}"));

        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than any back-off pending when they were interrupted
        Assert.Equal("exited " + count, await Inspect(engine, "backoff1", "{{.State.Status}} {{.RestartCount}}"));
        Assert.DoesNotContain("backoff2", await Docker(engine, "ps", "-a", "--format", "{{.Names}}"));
    }

    [Fact]
    public async Task Twenty_running_containers_survive_five_engine_restarts_and_nothing_leaks()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            var runs = Enumerable.Range(0, 20).Select(i => Docker(engine, "run", "-d", "--name", "many" + i, Image, "sleep", "1000"));
            var ids = (await Task.WhenAll(runs)).ToList();
            var pids = await Docker(engine, ["inspect", "--format", "{{.State.Status}} {{.State.Pid}}", .. ids]);
            int mounts = EngineResources.Mounts(engine.Directory);
            Assert.True(mounts >= 20, $"{mounts} mounts for 20 running containers");
            for (int round = 0; round < 5; round++)
            {
                engine = await KillAndRestartAsync(engine, TimeSpan.Zero);
                Assert.Equal(pids, await Docker(engine, ["inspect", "--format", "{{.State.Status}} {{.State.Pid}}", .. ids]));
                Assert.Equal(mounts, EngineResources.Mounts(engine.Directory));
                Assert.Equal(20, EngineResources.Shims(engine.ExecRoot, ids).Count);
                Assert.Equal(20, EngineResources.CgroupsOf(ids).Select(Path.GetFileName).Distinct().Count());
                Assert.Empty(EngineResources.Zombies(engine.Pid, engine.ExecRoot));
            }
            await Docker(engine, ["rm", "-f", .. ids]);
            Assert.Equal(0, EngineResources.Mounts(engine.Directory));
            Assert.Empty(EngineResources.CgroupsOf(ids));
            Assert.Empty(EngineResources.Shims(engine.ExecRoot));
            Assert.Empty(await EngineResources.SettledZombiesAsync(engine.Pid, engine.ExecRoot));
            Assert.All(pids.Split('\n'), line => Assert.False(EngineResources.IsAlive(int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_live_restore_SIGTERM_stops_containers_with_their_stop_signal_and_timeout_and_policies_start_them_again()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            Assert.Equal("false", await Docker(engine, "info", "--format", "{{.LiveRestoreEnabled}}")); // dockerd's default
            await Docker(engine, "run", "-d", "--name", "graceful", "--stop-signal", "SIGUSR1", Image,
                "sh", "-c", "trap 'echo got usr1; exit 5' USR1; while true; do sleep 0.05; done");
            await Docker(engine, "run", "-d", "--name", "stubborn", "--stop-timeout", "1", Image, "sleep", "1000");
            await Docker(engine, "run", "-d", "--name", "always", "--restart", "always", Image, "sleep", "1000");
            await Poll.UntilAsync(async () => (await Docker(engine, "top", "graceful")).Contains("sleep"), "the trap to be set");
            var pids = new Dictionary<string, int>();
            foreach (var name in new[] { "graceful", "stubborn", "always" })
                pids[name] = int.Parse(await Inspect(engine, name, "{{.State.Pid}}"), CultureInfo.InvariantCulture);

            var stopping = DateTimeOffset.UtcNow;
            Assert.Equal(0, await engine.StopAsync());
            Assert.All(pids.Values, pid => Assert.False(EngineResources.IsAlive(pid), "a container outlived the engine's stop"));
            Assert.Empty(EngineResources.Shims(engine.ExecRoot));
            Assert.Equal(0, EngineResources.Mounts(engine.Directory));
            await engine.DisposeAsync();

            engine = await EngineProcess.StartInAsync(engine.Directory, []);
            Assert.Equal("exited 5", await Inspect(engine, "graceful", "{{.State.Status}} {{.State.ExitCode}}"));
            Assert.Equal("got usr1", await Docker(engine, "logs", "graceful"));
            Assert.Equal("exited 137", await Inspect(engine, "stubborn", "{{.State.Status}} {{.State.ExitCode}}"));
            // Killed after its own 1 s stop timeout, not the default 10 s.
            Assert.InRange(DateTimeOffset.Parse(await Inspect(engine, "stubborn", "{{.State.FinishedAt}}"), CultureInfo.InvariantCulture),
                stopping, stopping.AddSeconds(8));
            await WaitForStatus(engine, "always", "running"); // the engine stopped it, not the user
            Assert.NotEqual(pids["always"].ToString(CultureInfo.InvariantCulture), await Inspect(engine, "always", "{{.State.Pid}}"));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_live_restore_from_the_flag_or_daemon_json_SIGTERM_leaves_containers_running()
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir, "--live-restore");
        try
        {
            Assert.Equal("true", await Docker(engine, "info", "--format", "{{.LiveRestoreEnabled}}"));
            await Docker(engine, "run", "-d", "--name", "counter", Image, "sh", "-c", Counter);
            var pid = await Inspect(engine, "counter", "{{.State.Pid}}");
            var follower = DockerCli.RunAsync("unix://" + engine.SocketPath, "logs", "-f", "counter");
            // 1.5 s of counting: time for the follower's CLI to start and connect before the engine stops.
            await Poll.UntilAsync(async () => (await Docker(engine, "logs", "counter")).Contains("\n15\n"), "the counter to count");
            Assert.Equal(0, await engine.StopAsync());
            // A follower attached before the stop ends cleanly with it, having had the lines it had read until then (how
            // far it got depends on when its own request started, so only their order is asserted).
            var (code, followed, stderr) = await follower;
            Assert.True(code == 0, stderr);
            var lines = followed.TrimEnd('\n').Split('\n');
            Assert.NotEmpty(followed);
            for (int i = 0; i < lines.Length; i++) Assert.Equal(i.ToString(CultureInfo.InvariantCulture), lines[i]);
            await engine.DisposeAsync();
            Assert.True(EngineResources.IsAlive(int.Parse(pid, CultureInfo.InvariantCulture)));

            File.WriteAllText(engine.ConfigFile, """{"live-restore": true}""");
            engine = await EngineProcess.StartInAsync(engine.Directory, []);
            Assert.Equal("true", await Docker(engine, "info", "--format", "{{.LiveRestoreEnabled}}"));
            Assert.Equal("running " + pid, await Inspect(engine, "counter", "{{.State.Status}} {{.State.Pid}}"));
            Assert.Equal(0, await engine.StopAsync());
            await engine.DisposeAsync();

            engine = await EngineProcess.StartInAsync(engine.Directory, []);
            Assert.Equal("running " + pid, await Inspect(engine, "counter", "{{.State.Status}} {{.State.Pid}}"));
            await AssertCounterLog(engine, "counter");
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    /// <summary>Where the engine kills itself (see CrashPoint in the engine) and whether the container exists after.</summary>
    public static TheoryData<string, bool> CrashPoints => new()
    {
        { "create-prepared", false }, // snapshot made, record not yet written: gone
        { "create-recorded", true },
        { "start-mounted", true }, // the start never finished: created, startable
        { "start-created", true },
        { "start-started", true },
        { "rm-cleaned", true }, // killed and unmounted, not yet removed: exited
        { "rm-unrecorded", false }, // record gone, snapshot not yet: the orphan snapshot is removed at start
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task SIGKILL_during_create_start_or_rm_leaves_a_store_that_opens_consistent(string point, bool exists)
    {
        using var dir = new TempDirectory();
        var engine = await StartAsync(dir);
        try
        {
            var snapshots = await Docker(engine, "info", "--format", "{{index (index .DriverStatus 0) 1}}");
            string[] create = ["create", "--name", "crash", Image, "sh", "-c", "echo ok; sleep 1000"];
            var operation = point.Split('-')[0];
            if (operation != "create") await Docker(engine, create);
            if (operation == "rm") await Docker(engine, "start", "crash");
            List<string> known = operation == "create" ? [] : [await Inspect(engine, "crash", "{{.Id}}")];

            engine = await KillAndRestartAsync(engine, TimeSpan.Zero, environment: new Dictionary<string, string> { ["CONTAINERS_ENGINE_CRASH_AT"] = point });
            var (code, _, _) = await DockerCli.RunAsync("unix://" + engine.SocketPath,
                operation switch { "create" => create, "start" => ["start", "crash"], _ => ["rm", "-f", "crash"] });
            Assert.NotEqual(0, code);
            await engine.WaitForExitAsync();
            Assert.Equal(137, engine.ExitCode); // it died at the crash point, by SIGKILL
            await engine.DisposeAsync();

            engine = await EngineProcess.StartInAsync(dir, []);
            var ids = (await Docker(engine, "ps", "-aq", "--no-trunc")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(exists ? 1 : 0, ids.Length);
            if (exists)
            {
                Assert.Contains(await Inspect(engine, "crash", "{{.State.Status}}"), new[] { "created", "exited" });
                await Docker(engine, "start", "crash"); // complete: it runs
                await Poll.UntilAsync(async () => (await Docker(engine, "logs", "crash")).Contains("ok"), "the container's output");
                await Docker(engine, "rm", "-f", "crash");
            }
            Assert.Equal(0, EngineResources.Mounts(engine.Directory));
            Assert.Empty(EngineResources.Shims(engine.ExecRoot));
            Assert.Empty(EngineResources.CgroupsOf([.. ids, .. known]));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(dir, "data", "containers")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(dir, "exec", "containers")));
            Assert.Equal(snapshots, await Docker(engine, "info", "--format", "{{index (index .DriverStatus 0) 1}}"));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }
}
