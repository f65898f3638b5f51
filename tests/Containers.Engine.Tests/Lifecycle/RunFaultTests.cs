using Containers.Testing;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// The run path's events and its faults, against the real engine through the docker CLI: the order of a container's
/// events as dockerd emits them, clients that vanish mid-attach, and what many runs and failed starts leave behind
/// (mounts, cgroups, zombies, descriptors, shims), counted. The engine is this class's own, so the counts are its alone.
/// </summary>
public sealed class RunFaultTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private int EnginePid => fixture.Engine.Pid;
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static string UnixTime(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>
    /// `docker events` between two times for one container, one line per event: the deprecated Status the CLI still
    /// renders (dockerd fills it for container events), then the exitCode or signal attribute when there is one.
    /// </summary>
    private async Task<List<string>> Events(string container, DateTimeOffset since)
    {
        var output = await Docker("events", "--since", UnixTime(since), "--until", UnixTime(DateTimeOffset.UtcNow.AddMilliseconds(10)),
            "--filter", "container=" + container,
            "--format", "{{.Status}} {{index .Actor.Attributes \"exitCode\"}}{{index .Actor.Attributes \"signal\"}}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
    }

    [Fact]
    public async Task Run_rm_emits_create_attach_start_die_with_the_exit_code_then_destroy()
    {
        var name = Unique("evrm");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "run", "--rm", "--name", name, Image, "sh", "-c", "exit 3");
        Assert.True(code == 3, stderr);
        // As dockerd: the CLI attaches before it starts; --rm's removal is the daemon's, after the die.
        Assert.Equal(["create", "attach", "start", "die 3", "destroy"], await Events(name, since));
    }

    [Fact]
    public async Task Kill_pause_unpause_stop_restart_and_rm_f_emit_Dockers_sequence()
    {
        var name = Unique("evlife");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "trap 'echo usr1' USR1; trap 'exit 0' TERM; while true; do sleep 0.1; done");
        await Docker("kill", "-s", "USR1", name);
        await Poll.UntilAsync(async () => (await Docker("logs", name)).Contains("usr1"), "the trap to see USR1");
        await Docker("pause", name);
        await Docker("unpause", name);
        await Docker("stop", name); // the trap exits 0 on SIGTERM
        await Docker("restart", name); // of a stopped container: a start, then restart
        await Docker("restart", "-t", "5", name); // of a running one: the stop's kill, die, stop, then start, restart
        await Docker("rm", "-f", name);
        Assert.Equal(
        [
            "create", "start",
            "kill 10", "pause", "unpause",
            "kill 15", "die 0", "stop",
            "start", "restart",
            "kill 15", "die 0", "stop", "start", "restart",
            "kill 9", "die 137", "destroy",
        ], await Events(name, since));
    }

    [Fact]
    public async Task A_client_that_drops_a_stdout_attach_leaves_the_container_running_and_no_descriptor()
    {
        var name = Unique("drop");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "while true; do echo tick; sleep 0.05; done");
        // One attach and drop first: whatever the engine opens once on first use (and keeps) is then in the baseline.
        await AttachAndDropAsync(name);
        await WaitForDescriptors(await SettledDescriptorCount());
        int before = DescriptorCount();

        await AttachAndDropAsync(name);

        Assert.Contains(name, await Docker("ps", "--format", "{{.Names}}")); // the engine answers at once
        // The follower notices at its next write (the container prints every 50 ms) and lets go of the log and socket.
        await WaitForDescriptors(before);
        Assert.Equal("true", await Docker("inspect", "--format", "{{.State.Running}}", name));
        await Docker("rm", "-f", name);
    }

    [Fact]
    public async Task Run_rm_with_the_none_log_driver_never_loses_the_output_of_a_fast_exit()
    {
        // The output attach reads lives in the run's bundle: it must outlast the exit until the attach has read it.
        for (int i = 0; i < 20; i++)
        {
            var (code, stdout, stderr) = await DockerCli.RunAsync(Host, "run", "--rm", "--log-driver", "none", Image, "echo", "hi");
            Assert.True(code == 0, stderr);
            Assert.Equal("hi\n", stdout);
        }
        var outputs = Path.Combine(fixture.Engine.ExecRoot, "output"); // the kept output goes with its container
        Assert.Empty(Directory.Exists(outputs) ? Directory.EnumerateFileSystemEntries(outputs) : []);
    }

    [Fact]
    public async Task Fifty_concurrent_runs_then_rm_f_leave_no_mount_cgroup_zombie_descriptor_or_shim()
    {
        var before = await BaselineAsync();
        var label = Unique("many");
        var runs = Enumerable.Range(0, 50).Select(_ => DockerCli.RunOkAsync(Host, "run", "-d", "--label", "batch=" + label, Image, "sleep", "1000"));
        var ids = (await Task.WhenAll(runs)).Select(s => s.Trim()).ToList();
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, Shims(ids).Count); // the counting sees them while they run
        Assert.Equal(50, CgroupsOf(ids).Select(Path.GetFileName).Distinct().Count());
        await Docker(["rm", "-f", .. ids]);
        await AssertNothingLeftAsync(before, ids);
    }

    [Fact]
    public async Task Failed_starts_and_instant_exits_leave_no_mount_cgroup_zombie_descriptor_or_shim()
    {
        var before = await BaselineAsync();
        var names = Enumerable.Range(0, 10).Select(_ => Unique("nocmd")).ToList();
        var failed = names.Select(n => DockerCli.RunAsync(Host, "run", "--name", n, Image, "nosuchcmd"));
        var exits = Enumerable.Range(0, 10).Select(_ => DockerCli.RunAsync(Host, "run", "--rm", Image, "sh", "-c", "exit 1"));
        Assert.All(await Task.WhenAll(failed), r => Assert.Equal(127, r.ExitCode));
        Assert.All(await Task.WhenAll(exits), r => Assert.Equal(1, r.ExitCode));
        var ids = new List<string>();
        foreach (var name in names) ids.Add(await Docker("inspect", "--format", "{{.Id}}", name));
        // A failed start leaves the container created, with nothing of the run behind: checked before its removal.
        Assert.Empty(Shims(ids));
        Assert.Empty(CgroupsOf(ids));
        Assert.Equal(before.Mounts, EngineMounts());
        await Docker(["rm", .. names]);
        await AssertNothingLeftAsync(before, ids);
    }

    private sealed record Baseline(int Mounts, int Descriptors, int Shims);

    /// <summary>The engine's counts with nothing of the test running, after one run has warmed up what it opens once.</summary>
    private async Task<Baseline> BaselineAsync()
    {
        await Docker("run", "--rm", Image, "true");
        return new Baseline(EngineMounts(), await SettledDescriptorCount(), Shims(null).Count);
    }

    private async Task AssertNothingLeftAsync(Baseline before, List<string> ids)
    {
        Assert.Equal(before.Mounts, EngineMounts());
        Assert.Empty(CgroupsOf(ids));
        Assert.Empty(Shims(ids));
        Assert.Equal(before.Shims, Shims(null).Count);
        // A shim's exit is reaped by the engine's thread for it, a moment after: zombies may show briefly, none may stay.
        Assert.Empty(await EngineResources.SettledZombiesAsync(EnginePid, fixture.Engine.ExecRoot));
        await WaitForDescriptors(before.Descriptors);
    }

    private int EngineMounts() => EngineResources.Mounts(fixture.Engine.Directory);

    private static List<string> CgroupsOf(List<string> ids) => EngineResources.CgroupsOf(ids);

    /// <summary>The PIDs of this engine's shims, of these containers when given.</summary>
    private List<int> Shims(List<string>? ids) => EngineResources.Shims(fixture.Engine.ExecRoot, ids);

    /// <summary>A hijacked attach (stream, stdout only) read until output flows, then the socket dropped without a word.</summary>
    private async Task AttachAndDropAsync(string container)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath));
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1.47/containers/{container}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!received.ToString().Contains("tick"))
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "the engine closed the attach: " + received);
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        Assert.StartsWith("HTTP/1.1 101", received.ToString());
        socket.Close();
    }

    private int DescriptorCount() => Directory.GetFiles($"/proc/{EnginePid}/fd").Length;

    /// <summary>The engine's descriptor count once it has stayed the same for a second (connections closing, timers).</summary>
    private async Task<int> SettledDescriptorCount()
    {
        int last = DescriptorCount(), stable = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (stable < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            int now = DescriptorCount();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    /// <summary>Waits (at most 15 s) until the engine holds no more descriptors than <paramref name="expected"/>.</summary>
    private async Task WaitForDescriptors(int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DescriptorCount() > expected && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(DescriptorCount() <= expected, $"the engine holds {DescriptorCount()} descriptors, {expected} before:\n{Descriptors()}");
    }

    private string Descriptors() => string.Join('\n', Directory.GetFiles($"/proc/{EnginePid}/fd").Select(f =>
    {
        try { return $"{Path.GetFileName(f)} -> {new FileInfo(f).LinkTarget}"; }
        catch (IOException) { return f; }
    }));

}
