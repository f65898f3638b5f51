using System.Runtime.InteropServices;
using System.Text;
using Containers.Runtime.Launch;
using Containers.Runtime.Security;
using Containers.Runtime.Spec;
using Containers.Interop;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>
/// The init stage: the first process of the container (PID 1 of a new PID namespace), started by
/// <see cref="Launch.InitLauncher"/> as `containers-runtime init`. It builds the container's world and execs the
/// user's program. Process-wide work (mounts, root, hostname, rlimits, cwd) may run on any thread; per-thread
/// state (credentials via raw syscalls, capabilities, no_new_privs, seccomp) is applied on this thread, the one
/// that calls execve, which replaces the whole multi-threaded .NET process with the user's program.
/// Everything loaded from disk (assemblies, libseccomp) is loaded before pivot_root hides the host.
/// </summary>
public static unsafe class ContainerInit
{
    /// <summary>The channel to the launcher (see <see cref="SyncChannel"/> for the protocol and its numbered sync points).</summary>
    private static SyncChannel? channel;

    /// <summary>
    /// Annotation asking for Docker's --init: our init stays PID 1, runs the program as its child, forwards
    /// termination signals to it and reaps every zombie, then exits with the program's status (128+N for signal N).
    /// Unlike docker-init it needs no binary inside the image: this process is already running there.
    /// </summary>
    public const string InitAnnotation = "org.containers.runtime.init";

    public static int Run(string bundle, string fifoPath, string? consoleSocket = null)
    {
        channel = SyncChannel.Inherited();
        ExecPlan plan;
        int fifo;
        List<System.Runtime.InteropServices.PosixSignalRegistration>? forwarding = null;
        try
        {
            if (!ReceiveGo()) return 1; // sync 3 (or the supervisor gave up on us)
            bool reaper;
            (plan, fifo, reaper) = Prepare(bundle, fifoPath, consoleSocket);
            if (reaper) forwarding = InstallForwarding();
            channel.Send(SyncKind.Ready); // sync 4
        }
        catch (Exception e)
        {
            channel.TrySend(SyncKind.Error, e.Message); // sync 4
            return 1;
        }
        channel.Dispose();

        try
        {
            int started = WaitForStart(fifo); // sync 6
            if (forwarding is not null)
            {
                int child = plan.SpawnFromRestrictedThread();
                close(started);
                return ReapAsPid1(child, forwarding);
            }
            plan.Execute();
            return 0; // not reached: Execute execs or throws
        }
        catch (Exception e)
        {
            WriteAll(2, Encoding.UTF8.GetBytes($"containers-runtime init: {e.Message}\n"));
            return e is SyscallException { Errno: ENOENT } ? 127 : 126;
        }
    }

    /// <summary>
    /// `containers-runtime exec-init BUNDLE PROCESS_JSON MNT_NS [CONSOLE_SOCKET]`: a process joining a running container.
    /// The launcher has put us in every namespace but the mount one, since our own binary must still be found on the
    /// host to start. This thread takes its own fs state (unshare CLONE_FS) and joins the mount namespace alone, then
    /// applies the process settings and execs: execve keeps the calling thread's root, cwd and credentials. With
    /// process.terminal the console socket is connected first (its host path is gone after setns) and the pty is made
    /// from the container's own /dev/pts once inside, as runc exec -t does.
    /// </summary>
    public static int RunExec(string bundle, string processJson, string mountNamespace, string? consoleSocket = null)
    {
        channel = SyncChannel.Inherited();
        ExecPlan plan;
        try
        {
            if (!ReceiveGo()) return 1; // sync 3
            var spec = SpecFile.Load(bundle);
            var proc = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(processJson), SpecJsonContext.Default.ProcessSpec)
                ?? throw new InvalidSpecException($"{processJson}: empty process");
            if (proc.Args is null || proc.Args.Count == 0) throw new InvalidSpecException($"{processJson}: args must not be empty");
            Seccomp? seccomp = spec.Linux?.Seccomp is { } s ? Seccomp.Compile(s, Warn) : null;
            plan = NewPlan(proc, seccomp);
            PreloadAssemblies();
            int console = -1;
            if (proc.Terminal)
                console = Terminal.ConsoleSocket.Connect(consoleSocket ?? throw new InvalidSpecException("process.terminal is true: a console socket is required"));
            int mnt = Check(open(mountNamespace, O_RDONLY | O_CLOEXEC, 0), $"open {mountNamespace}");
            Check(unshare(CLONE_FS), "unshare(CLONE_FS)");
            Check(setns(mnt, CLONE_NEWNS), $"setns mount {mountNamespace}");
            close(mnt);
            Rlimits.Apply(proc.Rlimits, Warn);
            if (proc.OomScoreAdj is { } adj) File.WriteAllText("/proc/self/oom_score_adj", adj.ToString());
            ChangeToCwd(proc.Cwd);
            plan.ResolveExecutable();
            if (console >= 0) Terminal.Pty.SetupForExec(console, proc.ConsoleSize);
            channel.Send(SyncKind.Ready); // sync 4
        }
        catch (Exception e)
        {
            channel.TrySend(SyncKind.Error, e.Message); // sync 4
            return 1;
        }
        channel.Dispose();
        try
        {
            plan.Execute();
            return 0;
        }
        catch (Exception e)
        {
            WriteAll(2, Encoding.UTF8.GetBytes($"containers-runtime exec-init: {e.Message}\n"));
            return e is SyscallException { Errno: ENOENT } ? 127 : 126;
        }
    }

    /// <summary>
    /// Under the JIT (framework-dependent build) assemblies load lazily, from files pivot_root/setns will hide: load every
    /// assembly this one references now. The NativeAOT build has nothing to load.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only runs with the JIT, never under NativeAOT.")]
    private static void PreloadAssemblies()
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled) return;
        foreach (var name in typeof(ContainerInit).Assembly.GetReferencedAssemblies()) System.Reflection.Assembly.Load(name);
        _ = System.Console.Error;
    }

    private static ExecPlan NewPlan(ProcessSpec proc, Seccomp? seccomp)
    {
        var caps = proc.Capabilities;
        return new ExecPlan(proc, seccomp,
            Capabilities.Mask(caps?.Bounding, Warn), Capabilities.Mask(caps?.Effective, Warn), Capabilities.Mask(caps?.Permitted, Warn),
            Capabilities.Mask(caps?.Inheritable, Warn), Capabilities.Mask(caps?.Ambient, Warn), caps is not null);
    }

    private static void Warn(string message) => channel!.Send(SyncKind.Warn, message); // sync 4

    /// <summary>Sync point 3: false when the launcher closed the channel (it gave up on us) or sent anything but Go.</summary>
    private static bool ReceiveGo()
    {
        try { return channel!.Receive() is { Kind: SyncKind.Go }; }
        catch (UnexpectedSyncMessageException) { return false; }
    }

    private static (ExecPlan, int fifo, bool reaper) Prepare(string bundle, string fifoPath, string? consoleSocket)
    {
        var spec = SpecFile.Load(bundle);
        var proc = spec.Process!;
        string rootfs = Path.GetFullPath(Path.Combine(bundle, spec.Root!.Path));
        if (!Directory.Exists(rootfs)) throw new InvalidSpecException($"rootfs {rootfs} does not exist");

        // The supervisor has put us in the container's cgroup by now, so this namespace is rooted there.
        if (Namespaces.Has(spec, "cgroup")) Check(unshare(CLONE_NEWCGROUP), "unshare(CLONE_NEWCGROUP)");
        int fifo = Check(open(fifoPath, O_PATH | O_CLOEXEC, 0), $"open {fifoPath}");
        if (Namespaces.Has(spec, "network") && spec.Linux!.Namespaces!.First(n => n.Type == "network").Path is null) Loopback.Up();

        // Host-side preparations that need files pivot_root will hide.
        Seccomp? seccomp = spec.Linux?.Seccomp is { } s ? Seccomp.Compile(s, Warn) : null;
        var plan = NewPlan(proc, seccomp);
        if (proc.OomScoreAdj is { } adj) File.WriteAllText("/proc/self/oom_score_adj", adj.ToString());
        Rlimits.Apply(proc.Rlimits, Warn);
        if (!string.IsNullOrEmpty(spec.Hostname)) SetName(spec.Hostname, sethostname_);
        if (!string.IsNullOrEmpty(spec.Domainname)) SetName(spec.Domainname, setdomainname_);
        PreloadAssemblies();

        var root = new RootfsSetup(spec, rootfs, Warn);
        root.PrepareRoot();
        if (proc.Terminal)
        {
            // Made from the container's own devpts instance, before pivot_root hides the host's console socket path.
            if (string.IsNullOrEmpty(consoleSocket)) throw new InvalidSpecException("process.terminal is true: a --console-socket is required");
            Terminal.Pty.Setup(root.Root, consoleSocket, proc.ConsoleSize);
        }
        root.ChangeRoot(noPivot: Environment.GetEnvironmentVariable("CONTAINERS_RUNTIME_NO_PIVOT") == "1");
        foreach (var (key, value) in spec.Linux?.Sysctl ?? [])
        {
            if (key.Contains("..") || key.Contains('/')) throw new InvalidSpecException($"invalid sysctl name '{key}'");
            File.WriteAllText("/proc/sys/" + key.Replace('.', '/'), value);
        }
        root.FinishRoot();
        ChangeToCwd(proc.Cwd);
        plan.ResolveExecutable();
        return (plan, fifo, spec.Annotations?.GetValueOrDefault(InitAnnotation) == "true");
    }

    /// <summary>Signals the --init reaper forwards to the program (those .NET lets us handle).</summary>
    private static readonly (System.Runtime.InteropServices.PosixSignal posix, int number)[] Forwarded =
    [
        (System.Runtime.InteropServices.PosixSignal.SIGTERM, 15), (System.Runtime.InteropServices.PosixSignal.SIGINT, 2),
        (System.Runtime.InteropServices.PosixSignal.SIGQUIT, 3), (System.Runtime.InteropServices.PosixSignal.SIGHUP, 1),
    ];

    private static int reaperChild;
    private static readonly List<int> pendingSignals = [];

    /// <summary>
    /// Installs the forwarding handlers before the init reports ready, so a signal sent right after `start` is
    /// not lost (or ignored, as PID 1 ignores unhandled signals); one arriving before the program exists waits for it.
    /// </summary>
    private static List<System.Runtime.InteropServices.PosixSignalRegistration> InstallForwarding() =>
        [.. Forwarded.Select(f => System.Runtime.InteropServices.PosixSignalRegistration.Create(f.posix, ctx =>
        {
            ctx.Cancel = true;
            lock (pendingSignals)
            {
                if (reaperChild > 0) kill(reaperChild, f.number);
                else pendingSignals.Add(f.number);
            }
        }))];

    /// <summary>PID 1 duties for --init: forward termination signals to the program, reap everything, exit like it.</summary>
    private static unsafe int ReapAsPid1(int child, List<System.Runtime.InteropServices.PosixSignalRegistration> forward)
    {
        lock (pendingSignals)
        {
            reaperChild = child;
            foreach (var sig in pendingSignals) kill(child, sig);
        }
        int exitCode = 0;
        while (true)
        {
            int status;
            int pid = waitpid(-1, &status, 0);
            if (pid < 0)
            {
                if (Errno == EINTR) continue;
                break; // ECHILD: nobody left
            }
            if (pid == child)
            {
                exitCode = ExitCodeFromWaitStatus(status, out _);
                break; // the container ends with its program; the kernel kills what is left in the PID namespace
            }
        }
        foreach (var r in forward) r.Dispose();
        return exitCode;
    }

    /// <summary>chdir to process.cwd, failing in runc's words (Docker maps "no such file or directory" to 127).</summary>
    private static void ChangeToCwd(string cwd)
    {
        if (chdir(cwd) == 0) return;
        int errno = Errno;
        string reason = errno switch
        {
            ENOENT => "no such file or directory",
            20 => "not a directory",
            13 => "permission denied",
            _ => $"errno {errno}",
        };
        throw new InvalidSpecException($"chdir to cwd (\"{cwd}\") set in config.json failed: {reason}");
    }

    private static unsafe int sethostname_(byte* p, nint n) => sethostname(p, n);
    private static unsafe int setdomainname_(byte* p, nint n) => setdomainname(p, n);

    private unsafe delegate int NameSetter(byte* p, nint n);

    private static unsafe void SetName(string name, NameSetter setter)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes) Check(setter(p, bytes.Length), $"set host/domain name '{name}'");
    }

    /// <summary>
    /// Sync point 6: blocks until `start` opens the exec fifo for reading (runc's create/start split). The write end stays open,
    /// close-on-exec, and is returned: `start` reads until EOF, which comes only once execve has completed (it closes
    /// close-on-exec descriptors after killing our other threads). Pausing a container while its init is still
    /// in execve would deadlock in the v1 freezer (a frozen thread never dies, so execve never finishes).
    /// </summary>
    private static int WaitForStart(int fifo)
    {
        int w = Check(open($"/proc/self/fd/{fifo}", O_WRONLY | O_CLOEXEC, 0), "open exec fifo");
        WriteAll(w, "0"u8);
        close(fifo);
        return w;
    }
}
