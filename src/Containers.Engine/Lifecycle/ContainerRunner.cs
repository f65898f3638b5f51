using Containers.Engine.Configuration;
using Containers.Engine.Hosting;
using static Containers.Interop.Libc;
using Containers.Runtime;
using Containers.Runtime.Init;
using Containers.Runtime.Spec;
using Containers.Runtime.Supervision;
using Containers.Snapshots;
using ExitStatus = Containers.Runtime.State.ExitStatus;
using RuntimeStatus = Containers.Runtime.State.Status;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// The engine's side of running one container with the native runtime: the bundle under
/// <c>exec-root/containers/ID</c> (the snapshot mounted as <c>rootfs</c>, <c>config.json</c> built from the container's
/// settings, the stdin FIFO), the runtime's create + start, and the teardown after the container has stopped. The
/// runtime's state lives in <c>exec-root/runtime</c>; its per-container shim owns the container's stdio and writes
/// the log, so containers and their logs carry on while the engine is down.
/// </summary>
public sealed class ContainerRunner
{
    /// <summary>With the "none" log driver output is still kept for attach, in exec-root, capped.</summary>
    private const long AttachOnlyLogSize = 1024 * 1024;

    private readonly ContainerRuntime _runtime;
    private readonly Snapshotter _snapshots;
    private readonly string _bundles;
    private readonly string _outputs;
    private readonly string _consoles;
    private readonly Volumes.VolumeMounts _volumeMounts;

    public ContainerRunner(EngineSettings settings, Snapshotter snapshots, Volumes.VolumeMounts volumeMounts, Action<string> warn)
    {
        _snapshots = snapshots;
        _volumeMounts = volumeMounts;
        _bundles = Path.Combine(settings.ExecRoot, "containers");
        Directory.CreateDirectory(_bundles);
        _outputs = Path.Combine(settings.ExecRoot, "output");
        _consoles = Directory.CreateDirectory(Path.Combine(settings.ExecRoot, "exec")).FullName;
        _runtime = new ContainerRuntime(Path.Combine(settings.ExecRoot, "runtime"), RuntimeBinary(), warn);
    }

    public ContainerRuntime Runtime => _runtime;

    /// <summary>The NativeAOT containers-runtime published beside the engine (see the engine's project file).</summary>
    public static string RuntimeBinary()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "native", "containers-runtime");
        return File.Exists(native) ? native : Path.Combine(AppContext.BaseDirectory, "containers-runtime");
    }

    public string BundleOf(string id) => Path.Combine(_bundles, id);

    /// <summary>Where an exec with a TTY receives its pty master while it starts (short: a socket path has at most 107 bytes).</summary>
    public string ExecConsoleSocket(string execId) => Path.Combine(_consoles, execId[..16] + ".sock");

    /// <summary>
    /// Where attach reads the container's output: its json-file log, or with the none driver a capped file in exec-root.
    /// That file is not in the bundle: the teardown after an exit deletes the bundle, and an attach that had not yet
    /// opened the file would lose a fast exit's output. Like the json-file log it lives until the container is removed
    /// (<see cref="RemoveOutput"/>), so an attach can open it before the start and a reader that holds it loses nothing.
    /// </summary>
    public string OutputLogOf(ContainerRecord record, string containerDirectory) => record.HostConfig.LogConfig.Type == "none"
        ? Path.Combine(_outputs, record.Id, "output.log")
        : Path.Combine(containerDirectory, record.Id + "-json.log");

    /// <summary>Makes the directory of the none driver's output (see <see cref="OutputLogOf"/>); nothing for other drivers.</summary>
    public void PrepareOutput(ContainerRecord record)
    {
        if (record.HostConfig.LogConfig.Type == "none") Directory.CreateDirectory(Path.Combine(_outputs, record.Id));
    }

    /// <summary>Deletes the none driver's output of a container being removed.</summary>
    public void RemoveOutput(string id)
    {
        var directory = Path.Combine(_outputs, id);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Mounts the rootfs, writes the spec and runs the container's process; returns its host PID once it runs.</summary>
    /// <param name="networkNamespace">For <c>container:X</c> network mode: the other container's namespace path.</param>
    /// <param name="created">Runs between the runtime's create and start with the init's PID (the process has not
    /// exec'd yet): the container's network is configured there, so the process finds it ready.</param>
    public int Start(ContainerRecord record, string containerDirectory, string? networkNamespace, Action<int>? created = null)
    {
        Cleanup(record.Id); // leftovers of a run the engine did not see end (killed engine, failed start)
        var bundle = Directory.CreateDirectory(BundleOf(record.Id)).FullName;
        var rootfs = Directory.CreateDirectory(Path.Combine(bundle, "rootfs")).FullName;
        try
        {
            Mounter.Mount(_snapshots.Mounts(record.Id), rootfs);
            _volumeMounts.Acquire(record.Id, Volumes.ContainerMounts.VolumeNames(record.Mounts));
            CrashPoint.Reach("start-mounted");
            var spec = ContainerSpecBuilder.Build(record, rootfs, containerDirectory, UserResolver.Resolve(rootfs, record.Config.User), networkNamespace);
            if (record.HostConfig.Init == true) (spec.Annotations ??= [])[ContainerInit.InitAnnotation] = "true";
            SpecFile.Save(bundle, spec);

            string? stdin = null;
            if (record.Config.OpenStdin)
            {
                stdin = Path.Combine(bundle, "stdin");
                Check(mkfifo(stdin, 0b110_000_000 /* 0600 */), $"mkfifo {stdin}");
            }
            var log = LogOptions.Parse(record.HostConfig.LogConfig);
            PrepareOutput(record);
            var io = new ContainerIo
            {
                LogPath = OutputLogOf(record, containerDirectory),
                LogMaxSize = log.Driver == "none" ? AttachOnlyLogSize : log.MaxSize,
                LogMaxFile = log.Driver == "none" ? 2 : log.MaxFile,
                StdinFifo = stdin,
                StdinOnce = record.Config.StdinOnce,
            };
            var pid = _runtime.Create(record.Id, bundle, io);
            CrashPoint.Reach("start-created");
            created?.Invoke(pid);
            _runtime.Start(record.Id);
            CrashPoint.Reach("start-started");
            return pid;
        }
        catch
        {
            Cleanup(record.Id);
            throw;
        }
    }

    /// <summary>The running container's root filesystem as mounted for its run, or null when it is not mounted.</summary>
    public string? MountedRootfs(string id)
    {
        var rootfs = Path.Combine(BundleOf(id), "rootfs");
        return IsMountPoint(rootfs) ? rootfs : null;
    }

    /// <summary>The runtime's view: created, running, paused or stopped; null when it knows no such container.</summary>
    public string? Status(string id)
    {
        try
        {
            return _runtime.State(id).Status;
        }
        catch (Containers.Runtime.State.ContainerNotFoundException)
        {
            return null;
        }
    }

    public bool IsRunning(string id) => Status(id) is RuntimeStatus.Running or RuntimeStatus.Paused;

    public ExitStatus? ExitStatus(string id) => Status(id) is null ? null : _runtime.ExitStatus(id);

    public Task<ExitStatus> WaitAsync(string id, CancellationToken cancel = default) => _runtime.WaitAsync(id, cancel);

    public void Kill(string id, int signal) => _runtime.Kill(id, signal);

    public void Pause(string id) => _runtime.Pause(id);

    public void Resume(string id) => _runtime.Resume(id);

    public List<int> Pids(string id) => _runtime.Pids(id);

    public Containers.Runtime.Cgroups.CgroupStats Stats(string id) => _runtime.Stats(id);

    /// <summary>New limits into a live container's cgroup; the runtime's warnings for what the host cannot enforce.</summary>
    public List<string> UpdateResources(string id, ResourcesSpec resources) => _runtime.Update(id, resources);

    public void Resize(string id, ushort width, ushort height) => _runtime.Resize(id, width, height);

    /// <summary>The container's init PID while it runs (for <c>container:X</c> namespaces), else null.</summary>
    public int? Pid(string id) => Status(id) is RuntimeStatus.Running or RuntimeStatus.Paused ? _runtime.State(id).Pid : null;

    /// <summary>
    /// Everything a run leaves outside the container's record: the runtime's state (killing what still runs), the
    /// rootfs mount and the bundle. Safe to call at any time, as often as needed.
    /// </summary>
    public void Cleanup(string id)
    {
        if (Status(id) is not null) _runtime.Delete(id, force: true);
        _volumeMounts.Release(id);
        var bundle = BundleOf(id);
        var rootfs = Path.Combine(bundle, "rootfs");
        if (IsMountPoint(rootfs)) Mounter.Unmount(rootfs);
        if (Directory.Exists(bundle) && !IsMountPoint(rootfs)) Directory.Delete(bundle, recursive: true);
    }

    public static bool IsMountPoint(string path)
    {
        if (!Directory.Exists(path)) return false;
        var full = Path.GetFullPath(path);
        // mountinfo field 5 is the mount point, with spaces and the like octal-escaped; our paths have none.
        return File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } f && f[4] == full);
    }
}
