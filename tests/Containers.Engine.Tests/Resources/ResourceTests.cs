using Containers.Api;
using Xunit.Abstractions;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Resources;

/// <summary>
/// A container's resources through the real docker CLI against the real engine: <c>docker top</c> (host ps, the
/// container's processes only), <c>docker update</c> (the live cgroup and the persisted HostConfig) and
/// <c>docker stats</c> (Docker's JSON, so the CLI prints CPU % and MEM USAGE / LIMIT).
/// </summary>
public sealed class ResourceTests(ImageApiFixture fixture, ITestOutputHelper output) : IClassFixture<ImageApiFixture>
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
            using var client = fixture.Engine.CreateClient();
            var table = await client.GetContainerProcessesAsync(name, "-o pid,user,args");
            Assert.Equal(["PID", "USER", "COMMAND"], table.Titles);
            Assert.Contains(table.Processes, p => p[2] == "sleep 2000"); // the last column keeps its spaces
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

    private async Task<string> Inspect(string name, string format) => await Docker("inspect", "--format", format, name);

    /// <summary>A file of the container's cgroup as the engine made it (v1: per controller; v2: the unified tree).</summary>
    private async Task<string> CgroupFile(string name, string controller, string v1File, string v2File)
    {
        var id = await Inspect(name, "{{.Id}}");
        var path = File.Exists("/sys/fs/cgroup/cgroup.controllers")
            ? $"/sys/fs/cgroup/containers-engine/{id}/{v2File}"
            : $"/sys/fs/cgroup/{controller}/containers-engine/{id}/{v1File}";
        return File.ReadAllText(path).Trim();
    }

    [Fact]
    public async Task Update_memory_reaches_the_live_cgroup_and_inspect()
    {
        var name = await RunDetached("upd", "--memory", "64m", Image, "sleep", "1000");
        try
        {
            Assert.Equal("134217728", await Inspect(name, "{{.HostConfig.MemorySwap}}")); // dockerd's default: twice the memory
            Assert.Equal(name, await Docker("update", "--memory", "32m", name));
            Assert.Equal("33554432", await CgroupFile(name, "memory", "memory.limit_in_bytes", "memory.max"));
            Assert.Equal("33554432 134217728", await Inspect(name, "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"));
            Assert.Equal("running", await Inspect(name, "{{.State.Status}}"));
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Update_cpus_and_pids_limit_reach_the_live_cgroup()
    {
        var name = await RunDetached("updcpu", Image, "sleep", "1000");
        try
        {
            await Docker("update", "--cpus", "0.5", "--pids-limit", "20", "--cpu-shares", "512", name);
            var quota = await CgroupFile(name, "cpu", "cpu.cfs_quota_us", "cpu.max");
            Assert.StartsWith("50000", quota);
            Assert.Equal("20", await CgroupFile(name, "pids", "pids.max", "pids.max"));
            Assert.Equal("500000000 20 512", await Inspect(name, "{{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}}"));
            await Docker("update", "--pids-limit", "-1", name);
            Assert.Equal("max", await CgroupFile(name, "pids", "pids.max", "pids.max"));
            var (code, _, stderr) = await DockerCli.RunAsync(Host, "update", "--cpu-quota", "20000", name);
            Assert.NotEqual(0, code);
            Assert.Contains("CPU Quota cannot be updated as NanoCPUs has already been set", stderr);
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Update_of_a_stopped_container_is_kept_and_applied_at_its_start()
    {
        var name = DockerCli.UniqueName("updstop");
        await Docker("create", "--name", name, "--memory", "64m", Image, "sleep", "1000");
        try
        {
            await Docker("update", "--memory", "48m", "--pids-limit", "50", name);
            Assert.Equal("50331648 50", await Inspect(name, "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}"));
            await Docker("start", name);
            Assert.Equal("50331648", await CgroupFile(name, "memory", "memory.limit_in_bytes", "memory.max"));
            Assert.Equal("50", await CgroupFile(name, "pids", "pids.max", "pids.max"));
            await Docker("restart", "-t", "1", name);
            Assert.Equal("50331648", await CgroupFile(name, "memory", "memory.limit_in_bytes", "memory.max"));
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Update_refuses_what_Docker_refuses_with_its_messages()
    {
        var name = await RunDetached("updbad", Image, "sleep", "1000");
        var autoRemoved = await RunDetached("updrm", "--rm", Image, "sleep", "1000");
        try
        {
            var (code, _, stderr) = await DockerCli.RunAsync(Host, "update", "--memory", "1k", name);
            Assert.NotEqual(0, code);
            Assert.Contains("Minimum memory limit allowed is 6MB", stderr);
            // No swap limit was set (no --memory at run): dockerd wants the swap limit updated with the memory.
            (code, _, stderr) = await DockerCli.RunAsync(Host, "update", "--memory", "32m", name);
            Assert.NotEqual(0, code);
            Assert.Contains("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time", stderr);
            await Docker("update", "--memory", "32m", "--memory-swap", "-1", name);
            Assert.Equal("33554432", await CgroupFile(name, "memory", "memory.limit_in_bytes", "memory.max"));
            (code, _, stderr) = await DockerCli.RunAsync(Host, "update", "--restart", "always", autoRemoved);
            Assert.NotEqual(0, code);
            Assert.Contains("Restart policy cannot be updated because AutoRemove is enabled for the container", stderr);
            (code, _, stderr) = await DockerCli.RunAsync(Host, "update", "--restart", "sometimes", name);
            Assert.NotEqual(0, code);
        }
        finally { await Remove(name); await Remove(autoRemoved); }
    }

    [Fact]
    public async Task Update_blkio_weight_is_applied_or_dropped_with_Dockers_warning_and_the_client_updates_too()
    {
        var name = await RunDetached("updblkio", Image, "sleep", "1000");
        try
        {
            var stdout = await Docker("update", "--blkio-weight", "300", name);
            if (Containers.Runtime.Cgroups.CgroupSupport.BlkioWeight)
                Assert.Equal("300", await Inspect(name, "{{.HostConfig.BlkioWeight}}"));
            else
            {
                Assert.Contains("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.", stdout);
                Assert.Equal("0", await Inspect(name, "{{.HostConfig.BlkioWeight}}"));
            }
            using var client = fixture.Engine.CreateClient();
            Assert.Empty(await client.UpdateContainerAsync(name, new ContainerUpdateRequest { PidsLimit = 40 }));
            Assert.Equal("40", await CgroupFile(name, "pids", "pids.max", "pids.max"));
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Update_restart_policy_shows_in_inspect_and_an_update_event_is_published()
    {
        var name = await RunDetached("updrestart", Image, "sleep", "1000");
        try
        {
            var since = await Inspect(name, "{{.Created}}");
            await Docker("update", "--restart", "on-failure:3", name);
            Assert.Equal("on-failure 3", await Inspect(name, "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"));
            await Docker("update", "--restart", "always", name);
            Assert.Equal("always", await Inspect(name, "{{.HostConfig.RestartPolicy.Name}}"));
            var events = await Docker("events", "--since", since, "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
                "--filter", "container=" + name, "--filter", "event=update", "--format", "{{.Action}}");
            Assert.Equal(["update", "update"], events.Split('\n'));
        }
        finally { await Remove(name); }
    }

    /// <summary>docker stats --no-stream for the given containers: name → (CPU %, "usage / limit").</summary>
    private async Task<Dictionary<string, (double Cpu, string Memory)>> StatsNoStream(params string[] names)
    {
        var output = await Docker(["stats", "--no-stream", "--format", "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}", .. names]);
        return output.Split('\n').Select(l => l.Split('|')).ToDictionary(
            f => f[0], f => (double.Parse(f[1].TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture), f[2]));
    }

    [Fact]
    public async Task Stats_no_stream_shows_the_memory_limit_and_a_cpu_figure_that_rises_under_load()
    {
        var busy = await RunDetached("busy", "--memory", "64m", Image, "sh", "-c", "yes > /dev/null");
        var idle = await RunDetached("idle", Image, "sleep", "1000");
        try
        {
            var stats = await StatsNoStream(busy, idle);
            output.WriteLine($"busy: {stats[busy].Cpu}% {stats[busy].Memory}; idle: {stats[idle].Cpu}% {stats[idle].Memory}");
            Assert.EndsWith(" / 64MiB", stats[busy].Memory);
            Assert.True(stats[busy].Cpu > 20, $"busy container at {stats[busy].Cpu}%");
            Assert.True(stats[idle].Cpu < 20, $"idle container at {stats[idle].Cpu}%");
            Assert.Matches(@"^[0-9.]+[KMG]?i?B / [0-9.]+GiB$", stats[idle].Memory); // no limit: the host's memory
            var everyRunning = (await Docker("stats", "--no-stream", "--format", "{{.Name}}")).Split('\n');
            Assert.Contains(busy, everyRunning);
            Assert.Contains(idle, everyRunning);
        }
        finally { await Remove(busy); await Remove(idle); }
    }

    [Fact]
    public async Task Stats_one_shot_has_Dockers_shape_without_a_previous_sample()
    {
        var name = await RunDetached("oneshot", "--memory", "64m", "--pids-limit", "30", Image, "sleep", "1000");
        try
        {
            using var client = fixture.Engine.CreateClient();
            var stats = await client.GetContainerStatsAsync(name, oneShot: true);
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(stats, ApiJson.Context.ContainerStatsResponse));
            Assert.Equal("/" + name, stats.Name);
            Assert.Equal(await Inspect(name, "{{.Id}}"), stats.Id);
            Assert.NotEqual(ContainerState.ZeroTime, stats.Read);
            Assert.Equal(ContainerState.ZeroTime, stats.PreRead);
            Assert.Equal(0UL, stats.PreCpuStats.CpuUsage.TotalUsage);
            Assert.True(stats.CpuStats.CpuUsage.TotalUsage > 0);
            Assert.True(stats.CpuStats.SystemCpuUsage > 0);
            Assert.Equal((uint)Environment.ProcessorCount, stats.CpuStats.OnlineCpus);
            Assert.Equal(64UL << 20, stats.MemoryStats.Limit);
            Assert.True(stats.MemoryStats.Usage > 0);
            Assert.NotNull(stats.MemoryStats.Stats);
            Assert.Equal(1UL, stats.PidsStats.Current);
            Assert.Equal(30UL, stats.PidsStats.Limit);
            if (File.Exists("/sys/fs/cgroup/cgroup.controllers")) Assert.Null(stats.BlkioStats.IoServicedRecursive); // v2: bytes only
            else Assert.NotNull(stats.BlkioStats.IoQueueRecursive); // v1: every list, empty or not, as dockerd sends them
            Assert.True(stats.Networks!.ContainsKey("eth0")); // its interface on the default bridge
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Stats_of_a_stopped_container_are_zeroed_at_once()
    {
        var name = DockerCli.UniqueName("statstop");
        await Docker("create", "--name", name, Image, "true");
        try
        {
            using var client = fixture.Engine.CreateClient();
            var stats = await client.GetContainerStatsAsync(name);
            Assert.Equal("/" + name, stats.Name);
            Assert.Equal(ContainerState.ZeroTime, stats.Read);
            Assert.Equal(0UL, stats.CpuStats.CpuUsage.TotalUsage);
            Assert.Equal(0UL, stats.MemoryStats.Usage);
            var (code, stdout, stderr) = await DockerCli.RunAsync(Host, "stats", "--no-stream", "--format", "{{.CPUPerc}} {{.MemUsage}}", name);
            Assert.True(code == 0, stderr);
            Assert.Equal("0.00% 0B / 0B", stdout.Trim());
        }
        finally { await Remove(name); }
    }

    [Fact]
    public async Task Stats_stream_yields_a_sample_a_second_each_with_the_previous_cpu()
    {
        var name = await RunDetached("stream", Image, "sleep", "1000");
        try
        {
            using var client = fixture.Engine.CreateClient();
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var samples = new List<ContainerStatsResponse>();
            await foreach (var sample in client.StreamContainerStatsAsync(name, cancel.Token))
            {
                samples.Add(sample);
                if (samples.Count == 3) break;
            }
            Assert.Equal(ContainerState.ZeroTime, samples[0].PreRead);
            for (int i = 1; i < samples.Count; i++)
            {
                Assert.Equal(samples[i - 1].Read, samples[i].PreRead);
                Assert.Equal(samples[i - 1].CpuStats.SystemCpuUsage, samples[i].PreCpuStats.SystemCpuUsage);
                Assert.True(string.CompareOrdinal(samples[i].Read, samples[i - 1].Read) > 0);
            }
            Assert.All(samples, s => Assert.Equal("/" + name, s.Name));
        }
        finally { await Remove(name); }
    }
}
