using Containers.Runtime.Init;

namespace Containers.Runtime.Tests;

/// <summary>Docker's --init: our init stays PID 1, reaps orphans and forwards signals.</summary>
public sealed class InitReaperTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    /// <summary>Orphans a short-lived grandchild under a PID 1 that never calls wait (exec sleep), then lists zombies via exec.</summary>
    private string ZombiesAfterOrphanExits(bool withInit)
    {
        var b = f.Bundle("sh", "-c", "(sleep 0.05 &); exec sleep 1000");
        if (withInit) b.Spec.Annotations = new() { [ContainerInit.InitAnnotation] = "true" };
        b.Save();
        var (id, _, _) = f.Create(b);
        f.Runtime.Start(id);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            // "sleep 0.05" gone as a live process means it has exited: either reaped or a zombie.
            var ps = f.Cli("exec", id, "ps", "-o", "stat,pid,args").Stdout;
            var orphan = ps.Split('\n').Where(l => l.Contains("sleep 0.05") || l.Contains("[sleep]")).ToList();
            if (!orphan.Any(l => l.Contains("sleep 0.05") && !l.TrimStart().StartsWith('Z'))) return ps;
            if (DateTime.UtcNow > deadline) throw new TimeoutException(ps);
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void WithoutInitTheOrphanStaysAZombie()
    {
        string ps = ZombiesAfterOrphanExits(withInit: false);
        Assert.Contains(ps.Split('\n'), l => l.TrimStart().StartsWith('Z'));
    }

    [Fact]
    public void WithInitOrphansAreReapedAndTheProgramIsNotPid1()
    {
        string ps = ZombiesAfterOrphanExits(withInit: true);
        Assert.DoesNotContain(ps.Split('\n'), l => l.TrimStart().StartsWith('Z'));
        Assert.Contains(ps.Split('\n'), l => l.Contains(" 1 ") && l.Contains("containers-runtime init"));
    }

    [Fact]
    public async Task WithInitTermReachesTheProgramAndItsStatusIsTheContainers()
    {
        // sleep as PID 1 would ignore SIGTERM; under our init it is PID 2 and dies of it: 128+15.
        var b = f.Bundle("sleep", "1000");
        b.Spec.Annotations = new() { [ContainerInit.InitAnnotation] = "true" };
        b.Save();
        var (id, _, _) = f.Create(b);
        f.Runtime.Start(id);
        var exit = await f.Runtime.StopAsync(id, 15, TimeSpan.FromMinutes(1));
        Assert.Equal(143, exit.ExitCode);
    }
}
