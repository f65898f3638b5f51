using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Hosting;

/// <summary>Start-up and shutdown rules, each checked on a real engine process.</summary>
public sealed class EngineStartupTests
{
    [Fact]
    public async Task A_second_engine_on_the_same_data_root_is_refused()
    {
        await using var first = await EngineProcess.StartAsync();
        using var other = new TempDirectory();
        var args = EngineProcess.StandardArguments(other).Select(a => a == Path.Combine(other, "data") ? first.DataRoot : a);
        var (code, output) = await EngineProcess.RunToExitAsync(other, args);
        Assert.NotEqual(0, code);
        Assert.Contains($"another engine is already running with data-root {first.DataRoot} (pid {first.Pid})", output);
        // The first engine is unharmed.
        using var client = first.CreateClient();
        await client.PingAsync();
    }

    [Fact]
    public async Task A_socket_path_used_by_a_live_engine_is_refused()
    {
        await using var first = await EngineProcess.StartAsync();
        using var other = new TempDirectory();
        var (code, output) = await EngineProcess.RunToExitAsync(other,
            ["-H", "unix://" + first.SocketPath, .. EngineProcess.StandardArguments(other, withSocket: false)]);
        Assert.NotEqual(0, code);
        Assert.Contains($"socket {first.SocketPath} is in use by a running engine", output);
        Assert.True(File.Exists(first.SocketPath));
    }

    [Fact]
    public async Task A_stale_socket_from_a_crash_is_replaced()
    {
        using var dir = new TempDirectory();
        Posix.CreateStaleSocket(Path.Combine(dir, "engine.sock"));
        await using var engine = await EngineProcess.StartInAsync(dir, []);
        using var client = engine.CreateClient();
        Assert.Equal("1.47", (await client.PingAsync()).ApiVersion);
    }

    [Fact]
    public async Task A_killed_engine_leaves_a_state_the_next_one_starts_from()
    {
        using var dir = new TempDirectory();
        var first = await EngineProcess.StartInAsync(dir, []);
        first.Signal(Posix.SIGKILL);
        await first.StopAsync();
        Assert.True(File.Exists(first.SocketPath), "SIGKILL leaves the socket file behind");
        await using var second = await EngineProcess.StartInAsync(dir, []);
        using var client = second.CreateClient();
        await client.PingAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_a_socket_is_never_replaced()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir, "engine.sock");
        File.WriteAllText(path, "precious");
        var (code, output) = await EngineProcess.RunToExitAsync(dir, EngineProcess.StandardArguments(dir));
        Assert.NotEqual(0, code);
        Assert.Contains("is not a socket", output);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("tcp://0.0.0.0:2376")]
    [InlineData("tcp://192.0.2.1:2376")]
    public async Task Non_loopback_tcp_without_mutual_tls_is_refused_at_start(string host)
    {
        using var dir = new TempDirectory();
        var (code, output) = await EngineProcess.RunToExitAsync(dir, ["-H", host, .. EngineProcess.StandardArguments(dir, withSocket: false)]);
        Assert.Equal(1, code);
        Assert.Contains("needs mutual TLS (--tlsverify --tlscacert --tlscert --tlskey)", output);
    }

    [Fact]
    public async Task Plain_tcp_on_loopback_works_with_a_warning()
    {
        var port = FreePort.Get();
        using var dir = new TempDirectory();
        await using var engine = await EngineProcess.StartInAsync(dir, ["-H", $"tcp://127.0.0.1:{port}"]);
        using var client = new Containers.Client.ContainersClient(Containers.Client.EngineEndpoint.Parse($"tcp://127.0.0.1:{port}"));
        var info = await client.GetInfoAsync();
        Assert.Contains(info.Warnings, w => w.Contains($"API is accessible on http://127.0.0.1:{port} without encryption"));
        Assert.Contains("without encryption", engine.Output);
    }

    [Fact]
    public async Task Flag_and_file_conflict_stops_the_engine_with_the_setting_named()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir, "daemon.json"), """{"debug": true}""");
        var (code, output) = await EngineProcess.RunToExitAsync(dir, [.. EngineProcess.StandardArguments(dir), "--debug"]);
        Assert.Equal(1, code);
        Assert.Contains("the following directives are specified both as a flag and in the configuration file: debug", output);
    }

    [Fact]
    public async Task An_unknown_config_key_stops_the_engine_with_the_key_named()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir, "daemon.json"), """{"live-restore-typo": true}""");
        var (code, output) = await EngineProcess.RunToExitAsync(dir, EngineProcess.StandardArguments(dir));
        Assert.Equal(1, code);
        Assert.Contains("don't match any configuration option: live-restore-typo", output);
    }

    [Fact]
    public async Task The_config_file_settings_are_used()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir, "daemon.json"), """{"debug": true, "registry-mirrors": ["https://mirror.example"], "insecure-registries": ["reg.test:5000"]}""");
        await using var engine = await EngineProcess.StartInAsync(dir, []);
        using var client = engine.CreateClient();
        var info = await client.GetInfoAsync();
        Assert.True(info.Debug);
        Assert.Equal(["https://mirror.example"], info.RegistryConfig.Mirrors);
        Assert.False(info.RegistryConfig.IndexConfigs["reg.test:5000"].Secure);
    }

    [Fact]
    public async Task Sigterm_stops_gracefully_and_removes_socket_and_pid_file()
    {
        using var dir = new TempDirectory();
        var pidFile = Path.Combine(dir, "engine.pid");
        var engine = await EngineProcess.StartInAsync(dir, ["--pidfile", pidFile]);
        Assert.Equal(engine.Pid.ToString(), File.ReadAllText(pidFile).Trim());
        Assert.Equal(0, await engine.StopAsync());
        Assert.False(File.Exists(engine.SocketPath));
        Assert.False(File.Exists(pidFile));
        Assert.Contains("Engine stopped", engine.Output);
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task Sigint_stops_gracefully_too()
    {
        var engine = await EngineProcess.StartAsync();
        engine.Signal(Posix.SIGINT);
        Assert.Equal(0, await engine.StopAsync());
        Assert.False(File.Exists(engine.SocketPath));
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task An_in_flight_event_stream_is_finished_cleanly_on_shutdown()
    {
        var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        var received = new List<string>();
        var stream = Task.Run(async () =>
        {
            await foreach (var e in client.GetEventsAsync(new(Until: DateTimeOffset.UtcNow.AddMinutes(5))))
                received.Add(e.Action);
        });
        await WaitForAsync(async () => (await client.GetInfoAsync()).NEventsListener == 1);
        await client.CreateVolumeAsync(new() { Name = "inflight" });
        await WaitForAsync(() => Task.FromResult(received.Count == 1));
        Assert.Equal(0, await engine.StopAsync());
        await stream.WaitAsync(TimeSpan.FromSeconds(10)); // ends without an exception
        Assert.Equal(["create"], received);
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task The_socket_is_readable_and_writable_by_root_only_without_a_containers_group()
    {
        await using var engine = await EngineProcess.StartAsync();
        var mode = File.GetUnixFileMode(engine.SocketPath);
        var hasGroup = File.ReadLines("/etc/group").Any(l => l.StartsWith("containers:", StringComparison.Ordinal));
        var expected = UnixFileMode.UserRead | UnixFileMode.UserWrite | (hasGroup ? UnixFileMode.GroupRead | UnixFileMode.GroupWrite : 0);
        Assert.Equal(expected, mode);
    }

    [Fact]
    public async Task Debug_logs_one_structured_line_per_request()
    {
        await using var engine = await EngineProcess.StartAsync("--debug");
        using var client = engine.CreateClient();
        await client.GetVersionAsync();
        await WaitForAsync(() => Task.FromResult(engine.Output.Contains("GET /version 200")));
        var line = engine.Output.Split('\n').First(l => l.Contains("GET /version 200"));
        Assert.Matches("""^time="[^"]+" level=debug msg="GET /version 200 [0-9.]+" Method=GET Path=/version Status=200""", line);
    }

    [Fact]
    public async Task Start_up_logs_are_structured_lines_on_stderr()
    {
        await using var engine = await EngineProcess.StartAsync();
        Assert.Matches($"""time="[^"]+" level=info msg="API listen on {engine.SocketPath}" Address={engine.SocketPath}""", engine.Output);
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 20 s");
            await Task.Delay(25);
        }
    }
}
