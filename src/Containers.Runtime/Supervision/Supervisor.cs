using Containers.Runtime.Cgroups;
using Containers.Runtime.Launch;
using Containers.Runtime.Spec;
using Containers.Runtime.State;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Supervision;

/// <summary>What a supervising process (the shim, or `run` in the foreground) does: launch the init, then reap it.</summary>
internal static class Supervisor
{
    /// <summary>Creates cgroup and exec fifo, launches the init (waiting on the fifo), writes state.json.</summary>
    public static (ContainerRecord, CgroupManager) Launch(StateStore store, string id, string bundle, string initPath,
        int stdin, int stdout, int stderr, Action<string> warn, string? consoleSocket = null, RuntimeSpec? spec = null)
    {
        bundle = Path.GetFullPath(bundle);
        spec ??= SpecFile.Load(bundle);
        string dir = store.Reserve(id);
        CgroupManager? cgroup = null;
        try
        {
            string fifo = store.FifoPath(id);
            Check(mkfifo(fifo, 0x192 /* 0622 */), $"mkfifo {fifo}");
            string cgroupPath = string.IsNullOrEmpty(spec.Linux?.CgroupsPath) ? CgroupManager.DefaultPath(id) : spec.Linux!.CgroupsPath!;
            cgroup = CgroupManager.For(cgroupPath);
            var record = new ContainerRecord
            {
                Id = id, Bundle = bundle, Rootfs = Path.GetFullPath(Path.Combine(bundle, spec.Root!.Path)), Created = DateTime.UtcNow,
                CgroupPath = cgroupPath, Annotations = spec.Annotations,
            };
            cgroup.Create(spec.Linux?.Resources, warn);
            record.CgroupCreated = true;
            record.Pid = InitLauncher.Launch(new InitLauncher.Request(initPath, bundle, spec, fifo, cgroup, stdin, stdout, stderr, warn, consoleSocket));
            record.PidStartTime = ProcessInfo.Read(record.Pid)?.StartTime ?? 0;
            store.Save(record);
            return (record, cgroup);
        }
        catch
        {
            try { cgroup?.Destroy(); } catch (IOException) { }
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>Reaps the init and writes exit.json: code (128+N for signal N), signal, and whether the OOM killer struck.</summary>
    public static ExitStatus WaitAndRecord(StateStore store, ContainerRecord record, CgroupManager? cgroup)
    {
        int status = Spawner.Wait(record.Pid);
        var exit = new ExitStatus
        {
            ExitCode = ExitCodeFromWaitStatus(status, out int signal),
            Signal = signal,
            OomKilled = cgroup?.OomKilled() ?? false,
            FinishedAt = DateTime.UtcNow,
        };
        store.SaveExit(record.Id, exit);
        return exit;
    }
}
