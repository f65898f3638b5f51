using System.Text;
using Containers.Runtime.Cgroups;
using Containers.Runtime.Launch;
using Containers.Runtime.Spec;
using Containers.Runtime.State;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Supervision;

/// <summary>
/// The per-container supervisor (`containers-runtime shim`), as containerd's shim: started by create in a session of
/// its own, it is the parent of the container's init, so it alone can reap it and record how it ended (exit.json)
/// while neither the engine nor the CLI is running. It holds nothing else: the container's stdio go straight to the
/// init. It reports to create over a <see cref="SyncChannel"/> on fd 3: Warn lines, then Ok PID or Error (sync point 5).
/// </summary>
public static class Shim
{
    public static int Run(string root, string id, string bundle, string initPath, string? consoleSocket = null)
    {
        var report = SyncChannel.Inherited();
        var store = new StateStore(root);

        ContainerRecord record;
        CgroupManager? cgroup;
        try
        {
            (record, cgroup) = Supervisor.Launch(store, id, bundle, initPath, 0, 1, 2, w => report.TrySend(SyncKind.Warn, w), consoleSocket); // sync 2–4
            record.ShimPid = getpid();
            store.Save(record);
            report.TrySend(SyncKind.Ok, record.Pid.ToString()); // sync 5
        }
        catch (Exception e)
        {
            report.TrySend(SyncKind.Error, e.Message); // sync 5
            return 1;
        }
        report.Dispose();
        // Let go of the caller's terminal/pipes: the init has its own copies.
        int devNull = open("/dev/null", O_RDWR, 0);
        if (devNull >= 0) { dup2(devNull, 0); dup2(devNull, 1); dup2(devNull, 2); close(devNull); }

        // Become a fresh, minimal process for the long wait: execve keeps our PID, hence our child, while shedding
        // the memory the launch touched (RSS drops from ~7.7 MiB to the reaper's few pages). If exec fails, wait here.
        ExecReaper(initPath, root, id);
        Supervisor.WaitAndRecord(store, record, cgroup);
        return 0;
    }

    private static unsafe void ExecReaper(string self, string root, string id)
    {
        string[] args = ["containers-runtime", "reap", root, id];
        nint[] argv = [.. args.Select(a => System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8(a)), 0];
        nint[] envp = [0];
        byte[] path = Encoding.UTF8.GetBytes(self + "\0");
        fixed (byte* p = path)
        fixed (nint* a = argv)
        fixed (nint* e = envp)
            execve(p, (byte**)a, (byte**)e);
    }

    /// <summary>`containers-runtime reap ROOT ID`: what the shim execs into; waits for the init and records its exit.</summary>
    public static int Reap(string root, string id)
    {
        var store = new StateStore(root);
        var record = store.Load(id);
        Supervisor.WaitAndRecord(store, record, CgroupManager.For(record.CgroupPath));
        return 0;
    }
}
