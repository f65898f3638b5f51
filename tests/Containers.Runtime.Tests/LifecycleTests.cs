using System.Text.Json;
using Containers.Runtime.Spec;
using Containers.Runtime.Launch;
using Containers.Runtime.State;

namespace Containers.Runtime.Tests;

/// <summary>Create/start/state/kill/stop/pause/delete, exit codes and signals, cleanup.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 42", 42)]
    [InlineData("exit 255", 255)]
    // PID 1 never receives a signal from its own namespace unless it handles it: the trap runs, the code is its own.
    [InlineData("trap 'exit 7' TERM; kill -TERM $$; sleep 1; exit 1", 7)]
    public void ExitCodeIsReportedExactly(string script, int expectedCode)
    {
        var r = f.Run(f.Bundle("sh", "-c", script));
        Assert.Equal(expectedCode, r.Exit.ExitCode);
        Assert.Equal(0, r.Exit.Signal);
    }

    [Fact]
    public async Task KillWithSignalReports128PlusN()
    {
        var (id, _, _) = f.Create(f.Bundle("sleep", "1000"));
        f.Runtime.Start(id);
        Assert.Equal(Status.Running, f.Runtime.State(id).Status);
        f.Runtime.Kill(id, 9);
        var exit = await f.Runtime.WaitAsync(id);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(9, exit.Signal);
        Assert.Equal(Status.Stopped, f.Runtime.State(id).Status);
        Assert.Equal(0, f.Runtime.State(id).Pid);
    }

    [Fact]
    public async Task StopSendsTheSignalThenSigkillAfterTheTimeout()
    {
        // sleep as PID 1 has no TERM handler, and PID 1 ignores unhandled signals: only the SIGKILL fallback ends it.
        var (ignoring, _, _) = f.Create(f.Bundle("sleep", "1000"));
        f.Runtime.Start(ignoring);
        var killed = await f.Runtime.StopAsync(ignoring, 15, TimeSpan.FromMilliseconds(300));
        Assert.Equal(137, killed.ExitCode);

        // A handler for TERM exits on its own with its own code.
        var (handling, outPath, _) = f.Create(f.Bundle("sh", "-c", "trap 'exit 3' TERM; echo ready; while true; do sleep 0.05; done"));
        f.Runtime.Start(handling);
        RuntimeFixture.WaitForText(outPath, "ready"); // a signal sent before the trap exists would be ignored by PID 1
        var stopped = await f.Runtime.StopAsync(handling, 15, TimeSpan.FromSeconds(30));
        Assert.Equal(3, stopped.ExitCode);
        Assert.Equal(0, stopped.Signal);
    }

    [Fact]
    public void PauseFreezesAndResumeThaws()
    {
        var (id, outPath, _) = f.Create(f.Bundle("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /dev/shm/n; sleep 0.01; done"));
        f.Runtime.Start(id);
        f.Runtime.Pause(id);
        Assert.Equal(Status.Paused, f.Runtime.State(id).Status);
        int pid = f.Runtime.State(id).Pid;
        // Every task of a frozen cgroup is stopped in the freezer ("D"/"S" with freezer.state FROZEN); the counter cannot move.
        string freezer = File.ReadAllText($"/sys/fs/cgroup/freezer/containers-runtime/{id}/freezer.state").Trim();
        Assert.Equal("FROZEN", freezer);
        var ex = Assert.Throws<InvalidContainerStateException>(() => f.Runtime.Pause(id));
        Assert.Contains("paused", ex.Message);
        f.Runtime.Resume(id);
        Assert.Equal(Status.Running, f.Runtime.State(id).Status);
        Assert.Equal("THAWED", File.ReadAllText($"/sys/fs/cgroup/freezer/containers-runtime/{id}/freezer.state").Trim());
        Assert.True(pid > 0);
        f.Runtime.Delete(id, force: true);
    }

    [Fact]
    public async Task PauseRightAfterStartNeverCatchesTheInitInsideExecve()
    {
        // Regression: start used to return before the init's execve finished; freezing then deadlocked
        // (execve waits for the frozen sibling threads to die). start now returns only once the program runs.
        for (int i = 0; i < 5; i++)
        {
            var (id, _, _) = f.Create(f.Bundle("sleep", "1000"));
            var cycle = Task.Run(() =>
            {
                f.Runtime.Start(id);
                Assert.Equal("sleep", File.ReadAllText($"/proc/{f.Runtime.State(id).Pid}/comm").Trim());
                f.Runtime.Pause(id);
                f.Runtime.Resume(id);
                f.Runtime.Delete(id, force: true);
            });
            await cycle.WaitAsync(TimeSpan.FromMinutes(2)); // deadlock guard: throws TimeoutException if pause hangs
        }
    }

    [Fact]
    public void StartTwiceAndDeleteRunningAreRefusedWithClearErrors()
    {
        var (id, _, _) = f.Create(f.Bundle("sleep", "1000"));
        Assert.Equal(Status.Created, f.Runtime.State(id).Status);
        f.Runtime.Start(id);
        var start = Assert.Throws<InvalidContainerStateException>(() => f.Runtime.Start(id));
        Assert.Contains($"cannot start container '{id}': it is running", start.Message);
        var delete = Assert.Throws<InvalidContainerStateException>(() => f.Runtime.Delete(id));
        Assert.Contains("running", delete.Message);
        Assert.Throws<ContainerExistsException>(() => f.Runtime.Create(id, f.Bundle("true").Dir));
        f.Runtime.Delete(id, force: true);
        Assert.Throws<ContainerNotFoundException>(() => f.Runtime.State(id));
    }

    [Fact]
    public void BadInputGetsErrorsNamingTheOffendingThing()
    {
        var empty = Directory.CreateTempSubdirectory("crt-empty-").FullName;
        try
        {
            var missing = Assert.Throws<ContainerStartException>(() => f.Runtime.Create(f.NewId(), empty));
            Assert.Contains("config.json", missing.Message);
        }
        finally { Directory.Delete(empty, true); }
        Assert.Throws<ArgumentException>(() => f.Runtime.Create("../evil", "."));
        var b = f.Bundle("no-such-program");
        var notFound = Assert.Throws<ContainerStartException>(() => f.Runtime.Create(f.NewId(), b.Dir));
        Assert.Contains("\"no-such-program\": executable file not found", notFound.Message);
        var b2 = f.Bundle("true");
        b2.Spec.Process!.Cwd = "/does/not/exist";
        b2.Save();
        var cwd = Assert.Throws<ContainerStartException>(() => f.Runtime.Create(f.NewId(), b2.Dir));
        Assert.Contains("/does/not/exist", cwd.Message);
        // Nothing of the failed attempts is left behind.
        Assert.Empty(f.Runtime.List());
    }

    [Fact]
    public async Task ContainerOutlivesItsCreatorAndTheShimRecordsTheExit()
    {
        // The CLI processes exit after each verb: only the shim stays to reap the init and record its exit (live restore).
        var b = f.Bundle("sh", "-c", "read x < /dev/shm/never 2>/dev/null; sleep 1000");
        string id = f.NewId();
        var create = f.Cli("create", "--bundle", b.Dir, id);
        Assert.Equal(0, create.ExitCode);
        Assert.Equal(0, f.Cli("start", id).ExitCode);
        // A fresh runtime object (as after an engine restart) sees the container running.
        var restarted = new ContainerRuntime(f.Root, RuntimeFixture.Binary);
        Assert.Equal(Status.Running, restarted.State(id).Status);
        Assert.Equal(0, f.Cli("kill", id, "SIGKILL").ExitCode);
        var exit = await restarted.WaitAsync(id);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(0, f.Cli("delete", id).ExitCode);
    }

}

/// <summary>Counts host-wide resources, so it runs alone (no other test's containers come and go meanwhile).</summary>
[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public sealed class LeakTestsCollection;

[Collection(nameof(LeakTests))]
public sealed class LeakTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void DeleteLeavesNoMountsCgroupsFdsOrState()
    {
        // Only what this runtime could leak is counted, so other test assemblies running alongside in CI cannot
        // disturb it: host mounts under our bundles/state roots, cgroups under every controller's containers-runtime/.
        int Mounts() => File.ReadAllLines("/proc/self/mountinfo").Count(l => l.Contains("/crt-") || l.Contains("containers-runtime"));
        int Fds() => Directory.GetFiles("/proc/self/fd").Length;
        int Cgroups() => Directory.GetDirectories("/sys/fs/cgroup")
            .Select(c => Path.Combine(c, "containers-runtime")).Where(Directory.Exists).Sum(d => Directory.GetDirectories(d).Length);
        // Warm up once so lazily created runtime files (thread pool, etc.) are not counted as leaks.
        f.Run(f.Bundle("true"));
        int mounts = Mounts(), fds = Fds(), cgroups = Cgroups();
        const int cycles = 8;
        for (int i = 0; i < cycles; i++)
        {
            var (id, _, _) = f.Create(f.Bundle("sleep", "1000"));
            f.Runtime.Start(id);
            f.Runtime.Delete(id, force: true);
            Assert.False(Directory.Exists(Path.Combine(f.Root, id)));
            Assert.False(Directory.Exists($"/sys/fs/cgroup/memory/containers-runtime/{id}"));
        }
        f.Run(f.Bundle("true"));
        Assert.Equal(mounts, Mounts());
        Assert.Equal(cgroups, Cgroups());
        // The test host itself opens and closes descriptors now and then (runner pipes, thread pool), so fds are
        // judged by growth: a descriptor leaked per container would add at least `cycles`.
        Assert.True(Fds() - fds < cycles, $"descriptors grew from {fds} to {Fds()} over {cycles} containers");
    }
}
