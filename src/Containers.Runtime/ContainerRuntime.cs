using System.Text;
using Containers.Runtime.Cgroups;
using Containers.Runtime.Launch;
using Containers.Runtime.Spec;
using Containers.Runtime.State;
using Containers.Runtime.Supervision;
using static Containers.Interop.Libc;

namespace Containers.Runtime;

/// <summary>
/// The runtime's public API, used by the engine and by the runc-compatible CLI. One instance per state root.
/// Every container is supervised by its own shim process, so containers outlive this object and the engine.
/// </summary>
public sealed class ContainerRuntime(string root = StateStore.DefaultRoot, string? initPath = null, Action<string>? warn = null)
{
    private readonly StateStore store = OpenStore(root);

    // The start-up guard first: refuse an architecture we have no syscall numbers or seccomp profile for.
    private static StateStore OpenStore(string root) { Containers.Interop.Arch.EnsureSupported(); return new StateStore(root); }
    private readonly Action<string> warn = warn ?? (m => Console.Error.WriteLine("containers-runtime: warning: " + m));

    /// <summary>The containers-runtime executable used for the shim and init stages.</summary>
    public string InitPath { get; } = initPath ?? Path.Combine(AppContext.BaseDirectory, "containers-runtime");

    public string Root => root;

    /// <summary>
    /// runc create: starts a shim which launches the init; returns the init's host PID once it waits for <see cref="Start"/>.
    /// The container's stdin/stdout/stderr are the given descriptors (default: ours).
    /// </summary>
    /// <param name="consoleSocket">For process.terminal: a Unix socket (see <see cref="Terminal.ConsoleSocket"/>) that receives the pty master.</param>
    public int Create(string id, string bundle, int stdin = 0, int stdout = 1, int stderr = 2, string? pidFile = null, string? consoleSocket = null) =>
        CreateWithShim(id, bundle, [consoleSocket is null ? "-" : Path.GetFullPath(consoleSocket)], stdin, stdout, stderr, pidFile);

    /// <summary>
    /// The engine's create: the shim connects the container's stdio as <paramref name="io"/> says (json-file log, stdin
    /// FIFO, or a pty it holds itself), so output is kept and stdin stays open while no client is attached.
    /// </summary>
    public int Create(string id, string bundle, ContainerIo io, string? pidFile = null)
    {
        int devNull = Check(open("/dev/null", O_RDWR | O_CLOEXEC, 0), "open /dev/null");
        try { return CreateWithShim(id, bundle, ["-", .. Shim.IoArguments(io)], devNull, devNull, devNull, pidFile); }
        finally { close(devNull); }
    }

    private unsafe int CreateWithShim(string id, string bundle, List<string> shimArgs, int stdin, int stdout, int stderr, string? pidFile)
    {
        StateStore.ValidateId(id);
        if (store.Exists(id)) throw new ContainerExistsException(id);
        if (!File.Exists(InitPath)) throw new FileNotFoundException($"containers-runtime executable not found at {InitPath}", InitPath);
        int* pipe = stackalloc int[2];
        Check(pipe2(pipe, O_CLOEXEC), "pipe2");
        using var report = new SyncChannel(pipe[0]);
        int shimPid;
        try
        {
            string[] argv = ["containers-runtime", "shim", root, id, Path.GetFullPath(bundle), .. shimArgs];
            shimPid = Spawner.Spawn(InitPath, argv, Spawner.CurrentEnvironment(),
                new Dictionary<int, int> { [0] = stdin, [1] = stdout, [2] = stderr, [SyncChannel.ChildFd] = pipe[1] }, newSession: true); // sync 1
        }
        finally { close(pipe[1]); }
        try
        {
            var ok = report.AwaitResult(SyncKind.Ok, warn, $"shim for '{id}' exited without reporting", $"shim for '{id}'"); // sync 5
            int pid = int.Parse(ok.Text);
            if (pidFile is not null) File.WriteAllText(pidFile, pid.ToString());
            ReapInBackground(shimPid);
            return pid;
        }
        catch
        {
            Spawner.Wait(shimPid);
            throw;
        }
    }

    // Shims this process started, by PID, completed when the shim exits (it writes exit.json just before): lets
    // WaitAsync of a container we created wake at once instead of polling.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource> shimExits = new();

    // The shim is our child until we exit; a long-lived caller (the engine) must reap it or keep a zombie.
    private static void ReapInBackground(int pid)
    {
        var exited = shimExits.GetOrAdd(pid, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        new Thread(() =>
        {
            try { Spawner.Wait(pid); } catch (IOException) { }
            exited.TrySetResult();
            shimExits.TryRemove(pid, out _);
        }, 64 * 1024) { IsBackground = true, Name = "shim-reaper" }.Start();
    }

    /// <summary>runc start: lets the init exec the user's program.</summary>
    public unsafe void Start(string id)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status != Status.Created) throw new InvalidContainerStateException(id, status, "start");
        string fifo = store.FifoPath(id);
        int fd = Check(open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0), $"open {fifo}");
        try
        {
            byte b;
            bool released = false;
            int* pfd = stackalloc int[2] { fd, 1 /* POLLIN */ };
            // sync 7. Before the init reopens its end, read returns 0 (no writer) or EAGAIN; after its byte, EAGAIN until
            // its execve closes the write end: EOF then means the user's program is running (see ContainerInit.WaitForStart).
            while (true)
            {
                nint n = read(fd, &b, 1);
                if (n > 0) { released = true; continue; }
                if (n == 0 && released) break;
                if (n < 0 && Errno is not (EAGAIN or EINTR)) throw new Interop.SyscallException($"read {fifo}", Errno);
                if (!ProcessInfo.IsAlive(record.Pid, record.PidStartTime))
                {
                    if (released) break; // it exec'd and already exited, or failed to exec: either way it has started
                    throw new ContainerStartException($"container '{id}' init exited before start");
                }
                pfd[1] = 1;
                poll(pfd, 1, 10);
            }
        }
        finally { close(fd); }
        File.Delete(fifo);
    }

    /// <summary>runc run (foreground): create + start + wait + delete in this process; returns the exit code (128+N for signal N).</summary>
    public ExitStatus Run(string id, string bundle, string? pidFile = null, int stdin = 0, int stdout = 1, int stderr = 2)
    {
        var (record, cgroup) = Supervisor.Launch(store, id, bundle, InitPath, stdin, stdout, stderr, warn);
        record.ShimPid = Environment.ProcessId;
        store.Save(record);
        if (pidFile is not null) File.WriteAllText(pidFile, record.Pid.ToString());
        try { Start(id); }
        catch { kill(record.Pid, 9); Supervisor.WaitAndRecord(store, record, cgroup); Delete(id, force: true); throw; }
        var exit = Supervisor.WaitAndRecord(store, record, cgroup);
        Delete(id, force: true);
        return exit;
    }

    /// <summary>
    /// runc exec: starts <paramref name="process"/> inside the running container (its namespaces, cgroup, seccomp filter)
    /// and returns its host PID once it is about to exec. The caller is its parent: reap it with <see cref="WaitProcess"/>.
    /// With process.terminal its stdio is a pty from the container's /dev/pts, and the master goes to
    /// <paramref name="consoleSocket"/> (a <see cref="Terminal.ConsoleSocket"/> listening; receive it after this returns).
    /// </summary>
    public int Exec(string id, ProcessSpec process, int stdin = 0, int stdout = 1, int stderr = 2, string? consoleSocket = null)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status != Status.Running) throw new InvalidContainerStateException(id, status, "exec in");
        if (process.Args is null || process.Args.Count == 0) throw new ArgumentException("exec needs a command (process.args is empty)", nameof(process));
        if (process.Terminal && consoleSocket is null) throw new ArgumentException("exec with process.terminal needs a console socket", nameof(consoleSocket));
        var spec = SpecFile.Load(record.Bundle);
        string nsDir = $"/proc/{record.Pid}/ns/";
        var namespaces = (spec.Linux?.Namespaces ?? []).Where(n => n.Type != "mount")
            .Select(n => new InitLauncher.Ns(n.Type, nsDir + n.Type switch { "network" => "net", var t => t })).ToList();
        string processJson = Path.Combine(store.Dir(id), $"exec-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(processJson, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(process, SpecJsonContext.Default.ProcessSpec));
        try
        {
            string[] argv = ["containers-runtime", "exec-init", record.Bundle, processJson, nsDir + "mnt",
                .. process.Terminal ? [Path.GetFullPath(consoleSocket!)] : Array.Empty<string>()];
            return InitLauncher.SpawnAndHandshake(InitPath, argv,
                namespaces, CgroupFor(record), stdin, stdout, stderr, warn);
        }
        finally { File.Delete(processJson); }
    }

    /// <summary>Waits for a child started by <see cref="Exec"/>; exit code as Docker reports it.</summary>
    public static ExitStatus WaitProcess(int pid)
    {
        int status = Spawner.Wait(pid);
        return new ExitStatus { ExitCode = ExitCodeFromWaitStatus(status, out int signal), Signal = signal, FinishedAt = DateTime.UtcNow };
    }

    /// <summary>The container's own process settings (from its config.json), as the base of an exec.</summary>
    public ProcessSpec ContainerProcess(string id) => SpecFile.Load(store.Load(id).Bundle).Process!;

    public ContainerState State(string id)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        return new ContainerState
        {
            Id = id, Pid = status == Status.Stopped ? 0 : record.Pid, Status = status, Bundle = record.Bundle,
            Rootfs = record.Rootfs, Created = record.Created, Owner = "", Annotations = record.Annotations,
        };
    }

    public IEnumerable<ContainerState> List() => store.List().Select(State);

    /// <summary>The exit status once the container has stopped, else null.</summary>
    public ExitStatus? ExitStatus(string id) => store.LoadExit(id);

    /// <summary>
    /// Waits until the supervisor has recorded the exit: at once when this process started the shim, else by polling
    /// exit.json (a container adopted after an engine restart).
    /// </summary>
    public async Task<ExitStatus> WaitAsync(string id, CancellationToken cancel = default)
    {
        while (true)
        {
            var record = store.Load(id);
            if (store.LoadExit(id) is { } exit) return exit;
            if (!ProcessInfo.IsAlive(record.Pid, record.PidStartTime) && !ShimAlive(record))
                return store.LoadExit(id) ?? new ExitStatus { ExitCode = 255, FinishedAt = DateTime.UtcNow };
            if (shimExits.TryGetValue(record.ShimPid, out var exited))
            {
                try { await exited.Task.WaitAsync(TimeSpan.FromSeconds(1), cancel); } catch (TimeoutException) { }
            }
            else if (ShimAlive(record)) WatchShim(record.ShimPid);
            else await Task.Delay(20, cancel);
        }
    }

    /// <summary>
    /// A shim this process did not start (adopted after an engine restart) is not our child: a small thread blocks on
    /// its pidfd, which turns readable when it exits, so <see cref="WaitAsync"/> wakes at once instead of polling.
    /// </summary>
    private static void WatchShim(int shimPid)
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!shimExits.TryAdd(shimPid, exited)) return;
        int pidfd = (int)syscall(SYS_pidfd_open, shimPid, 0, 0);
        if (pidfd < 0) // already gone
        {
            shimExits.TryRemove(shimPid, out _);
            exited.TrySetResult();
            return;
        }
        new Thread(() =>
        {
            WaitReadable(pidfd);
            close(pidfd);
            shimExits.TryRemove(shimPid, out _);
            exited.TrySetResult();
        }, 64 * 1024) { IsBackground = true, Name = "shim-watch" }.Start();
    }

    private static unsafe void WaitReadable(int fd)
    {
        int* pfd = stackalloc int[2]; // struct pollfd { int fd; short events; short revents; }
        pfd[0] = fd;
        pfd[1] = POLLIN;
        while (poll(pfd, 1, -1) < 0 && Errno == EINTR) { }
    }

    /// <summary>Sets the size of the container's terminal (the pty master the shim holds), as docker's resize.</summary>
    public void Resize(string id, ushort width, ushort height)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status == Status.Stopped || !ShimAlive(record)) throw new InvalidContainerStateException(id, status, "resize");
        // The master lives only in the shim (fd 3 of the reaper); pidfd_getfd borrows a copy of it.
        int pidfd = (int)syscall(SYS_pidfd_open, record.ShimPid, 0, 0);
        if (pidfd < 0) throw new Interop.SyscallException($"pidfd_open {record.ShimPid}", Errno);
        try
        {
            int master = (int)syscall(SYS_pidfd_getfd, pidfd, Shim.PtyMasterFd, 0);
            if (master < 0) throw new Interop.SyscallException($"pidfd_getfd {record.ShimPid}", Errno);
            try { Terminal.Pty.SetSize(master, width, height); }
            finally { close(master); }
        }
        finally { close(pidfd); }
    }

    /// <summary>Sends <paramref name="signal"/> to the init, or with <paramref name="all"/> to every process of the container.</summary>
    public void Kill(string id, int signal, bool all = false)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status == Status.Stopped) throw new InvalidContainerStateException(id, status, "kill");
        if (all) foreach (var pid in CgroupFor(record).Pids()) kill(pid, signal);
        else if (kill(record.Pid, signal) != 0)
        {
            int errno = Errno;
            // Exited (and reaped) between the status check and the signal: it is stopped, as a later check would say.
            if (errno == ESRCH) throw new InvalidContainerStateException(id, Status.Stopped, "kill");
            throw new Interop.SyscallException($"kill {record.Pid} with signal {signal}", errno);
        }
        // A frozen task only dies once thawed.
        if (status == Status.Paused && signal == 9) CgroupFor(record).Thaw();
    }

    /// <summary>Docker's stop: the stop signal, then SIGKILL if the container is still running after the timeout.</summary>
    public async Task<ExitStatus> StopAsync(string id, int signal = 15, TimeSpan? timeout = null)
    {
        if (StatusOf(store.Load(id)) != Status.Stopped) Kill(id, signal);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try { return await WaitAsync(id, cts.Token); }
        catch (OperationCanceledException)
        {
            if (StatusOf(store.Load(id)) != Status.Stopped) Kill(id, 9);
            return await WaitAsync(id);
        }
    }

    public void Pause(string id)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status != Status.Running) throw new InvalidContainerStateException(id, status, "pause");
        CgroupFor(record).Freeze();
    }

    public void Resume(string id)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status != Status.Paused) throw new InvalidContainerStateException(id, status, "resume");
        CgroupFor(record).Thaw();
    }

    /// <summary>Host PIDs of every process in the container.</summary>
    public List<int> Pids(string id) => CgroupFor(store.Load(id)).Pids();

    public CgroupStats Stats(string id) => CgroupFor(store.Load(id)).Stats();

    /// <summary>
    /// runc update: writes the limits <paramref name="resources"/> sets into the cgroup of a created, running or paused
    /// container (the others stay as they are); returns what the kernel could not enforce here.
    /// </summary>
    public List<string> Update(string id, ResourcesSpec resources)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status == Status.Stopped) throw new InvalidContainerStateException(id, status, "update");
        var warnings = new List<string>();
        CgroupFor(record).Apply(resources, warnings.Add);
        return warnings;
    }

    /// <summary>runc delete: refuses a running container unless forced (then SIGKILL); removes cgroup and state.</summary>
    public void Delete(string id, bool force = false)
    {
        var record = store.Load(id);
        string status = StatusOf(record);
        if (status is Status.Running or Status.Paused && !force) throw new InvalidContainerStateException(id, status, "delete (use --force)");
        var cgroup = CgroupFor(record);
        if (status != Status.Stopped)
        {
            kill(record.Pid, 9);
            if (status == Status.Paused) cgroup.Thaw();
        }
        // Wait for the supervisor to reap and record; if it is gone (killed), the kernel reparented the init.
        while (ProcessInfo.IsAlive(record.Pid, record.PidStartTime) || (record.ShimPid != Environment.ProcessId && ShimAlive(record) && store.LoadExit(id) is null))
            Thread.Sleep(2);
        if (record.CgroupCreated)
        {
            // Stragglers that escaped the PID namespace teardown (joined by exec into a shared PID namespace).
            foreach (var pid in cgroup.Pids()) kill(pid, 9);
            cgroup.Destroy();
        }
        store.Remove(id);
    }

    private static bool ShimAlive(ContainerRecord r) => r.ShimPid > 0 && ProcessInfo.Read(r.ShimPid) is { State: not ('Z' or 'X') };

    private CgroupManager CgroupFor(ContainerRecord r) => CgroupManager.For(r.CgroupPath);

    private string StatusOf(ContainerRecord r)
    {
        if (store.LoadExit(r.Id) is not null || !ProcessInfo.IsAlive(r.Pid, r.PidStartTime)) return Status.Stopped;
        if (File.Exists(store.FifoPath(r.Id))) return Status.Created;
        return CgroupFor(r).IsFrozen() ? Status.Paused : Status.Running;
    }

    /// <summary>runc spec: writes the default config.json into <paramref name="bundle"/>.</summary>
    public static void WriteDefaultSpec(string bundle, bool overwrite = false)
    {
        string path = Path.Combine(bundle, "config.json");
        if (File.Exists(path) && !overwrite) throw new IOException($"File {path} exists. Remove it first");
        SpecFile.Save(bundle, DefaultSpec.Create());
    }

    public static string FeaturesJson() => System.Text.Json.JsonSerializer.Serialize(new Features(), SpecJsonContext.Default.Features);
}
