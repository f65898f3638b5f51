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
/// while neither the engine nor the CLI is running. Without <see cref="ContainerIo"/> the container's stdio are the
/// shim's own (runc's pass-through mode); with it, the shim holds the container's output pipes (or pty master) and
/// stdin, see <see cref="Reaper"/>. It reports to create over a <see cref="SyncChannel"/> on fd 3: Warn lines, then Ok PID or Error (sync point 5).
/// </summary>
public static class Shim
{
    /// <summary>Where the reaper keeps a tty container's pty master (see <see cref="Reaper.OutFd"/>).</summary>
    public const int PtyMasterFd = Reaper.OutFd;

    /// <summary>The shim's command line after "shim ROOT ID BUNDLE CONSOLE-SOCKET|-": how to connect the container's stdio.</summary>
    public static List<string> IoArguments(ContainerIo io)
    {
        List<string> args = ["--io"];
        if (io.LogPath is not null) args.AddRange(["--log", Path.GetFullPath(io.LogPath), io.LogMaxSize.ToString(), io.LogMaxFile.ToString()]);
        if (io.StdinFifo is not null) args.AddRange(["--stdin", Path.GetFullPath(io.StdinFifo)]);
        if (io.StdinOnce) args.Add("--once");
        return args;
    }

    /// <summary>`containers-runtime shim ROOT ID BUNDLE CONSOLE-SOCKET|- [--io ...]`.</summary>
    public static int Run(string[] args, string initPath)
    {
        string root = args[1], id = args[2], bundle = args[3];
        string? consoleSocket = args.Length > 4 && args[4] != "-" ? args[4] : null;
        string[] io = args.Length > 5 ? args[5..] : [];
        var report = SyncChannel.Inherited();
        var store = new StateStore(root);

        ContainerRecord record;
        ShimStdio? stdio = null;
        try
        {
            var spec = SpecFile.Load(bundle);
            if (io.Length > 0) stdio = ShimStdio.Open(root, id, spec.Process?.Terminal == true, io);
            (record, _) = Supervisor.Launch(store, id, bundle, initPath, stdio?.ContainerStdin ?? 0, stdio?.ContainerStdout ?? 1,
                stdio?.ContainerStderr ?? 2, w => report.TrySend(SyncKind.Warn, w), stdio?.ConsoleSocket ?? consoleSocket, spec); // sync 2–4
            stdio?.Launched();
            record.ShimPid = getpid();
            store.Save(record);
            report.TrySend(SyncKind.Ok, record.Pid.ToString()); // sync 5
        }
        catch (Exception e)
        {
            report.TrySend(SyncKind.Error, e.Message); // sync 5
            stdio?.Dispose();
            return 1;
        }
        report.Dispose();
        // Let go of the caller's terminal/pipes: the init has its own copies.
        int devNull = open("/dev/null", O_RDWR, 0);
        if (devNull >= 0) { dup2(devNull, 0); dup2(devNull, 1); dup2(devNull, 2); close(devNull); }
        List<string> reap = ["containers-runtime", "reap", root, id, record.Pid.ToString(), record.CgroupPath];
        if (stdio is not null) { stdio.MoveToReaperFds(); reap.AddRange(io); if (stdio.Tty) reap.Add("--tty"); }

        // Become a fresh, minimal process for the long wait: execve keeps our PID, hence our child, while shedding
        // the memory the launch touched (RSS drops from ~7.7 MiB to the reaper's few pages). If exec fails, reap here.
        ExecReaper(initPath, reap);
        return Reaper.Run([.. reap.Skip(1)]);
    }

    /// <summary>`containers-runtime reap ...`: the shim after its exec, see <see cref="Reaper"/>.</summary>
    public static int Reap(string[] args) => Reaper.Run(args);

    private static unsafe void ExecReaper(string self, List<string> args)
    {
        nint[] argv = [.. args.Select(a => System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8(a)), 0];
        // A small gen0 budget keeps the reaper's heap to a few pages (the default sizes it from the CPU cache).
        nint[] envp = [System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8("DOTNET_GCgen0size=0x10000"), 0];
        byte[] path = Encoding.UTF8.GetBytes(self + "\0");
        fixed (byte* p = path)
        fixed (nint* a = argv)
        fixed (nint* e = envp)
            execve(p, (byte**)a, (byte**)e);
    }
}
