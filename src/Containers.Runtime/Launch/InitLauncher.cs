using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Launch;

/// <summary>
/// Starts a container's init — or an exec'd process — in the container's namespaces.
///
/// Namespaces are per-thread (task) state and a spawned child inherits those of the thread that spawns it.
/// So a dedicated OS thread unshares its fs state (CLONE_FS: needed before setns into a mount namespace and so that
/// nothing it does affects other threads), joins the namespaces given by path (setns), unshares the new
/// ones (for CLONE_NEWPID this only changes the namespace of its future children), posix_spawns
/// `containers-runtime init|exec-init` (which thereby becomes PID 1 of a new PID namespace) and then ends. No other
/// thread of this .NET process ever sees the namespaces, and no managed code runs in the child before execve.
/// The cgroup namespace is the exception: the init unshares it itself, after we have moved it into its cgroup.
///
/// The child talks to us over a <see cref="SyncChannel"/> on its fd 3 (a socketpair): sync points 2–4.
/// </summary>
public static class InitLauncher
{
    public sealed record Request(string InitPath, string Bundle, RuntimeSpec Spec, string FifoPath,
        Cgroups.CgroupManager? Cgroup, int Stdin, int Stdout, int Stderr, Action<string> Warn, string? ConsoleSocket = null);

    /// <summary>A namespace to create (Path null) or to join (Path set).</summary>
    public sealed record Ns(string Type, string? Path);

    /// <summary>Launches the container's init; returns its PID once it waits on the exec fifo.</summary>
    public static int Launch(Request r)
    {
        if (Namespaces.Has(r.Spec, "user"))
            throw new InvalidSpecException("user namespaces are not supported yet by containers-runtime (remove the \"user\" namespace and uid/gid mappings)");
        var namespaces = (r.Spec.Linux?.Namespaces ?? []).Where(n => n.Type != "cgroup").Select(n => new Ns(n.Type, n.Path)).ToList();
        string[] argv = r.ConsoleSocket is null ? ["containers-runtime", "init", r.Bundle, r.FifoPath]
            : ["containers-runtime", "init", r.Bundle, r.FifoPath, Path.GetFullPath(r.ConsoleSocket)];
        return SpawnAndHandshake(r.InitPath, argv, namespaces, r.Cgroup,
            r.Stdin, r.Stdout, r.Stderr, r.Warn);
    }

    /// <summary>
    /// Spawns <paramref name="argv"/> in <paramref name="namespaces"/>, puts it in <paramref name="cgroup"/>, sends Go and
    /// waits for Ready. Returns the child's PID; on failure kills and reaps it and throws with its message.
    /// </summary>
    public static unsafe int SpawnAndHandshake(string path, string[] argv, IReadOnlyList<Ns> namespaces, Cgroups.CgroupManager? cgroup,
        int stdin, int stdout, int stderr, Action<string> warn)
    {
        int* pair = stackalloc int[2];
        Check(socketpair(1 /* AF_UNIX */, 1 | O_CLOEXEC /* SOCK_STREAM */, 0, pair), "socketpair");
        using var channel = new SyncChannel(pair[0]);
        int theirs = pair[1];
        try
        {
            // sync 2: the child starts in its namespaces with its end of the channel on fd 3, then joins its cgroup.
            int pid = SpawnInNamespaces(path, argv, namespaces, new Dictionary<int, int>
                { [0] = stdin, [1] = stdout, [2] = stderr, [SyncChannel.ChildFd] = theirs });
            close(theirs); theirs = -1;
            try
            {
                cgroup?.AddProcess(pid);
                channel.Send(SyncKind.Go); // sync 3
                channel.AwaitResult(SyncKind.Ready, warn, "container process exited during setup without a message", "container process"); // sync 4
                return pid;
            }
            catch
            {
                kill(pid, 9);
                Spawner.Wait(pid);
                throw;
            }
        }
        finally
        {
            if (theirs >= 0) close(theirs);
        }
    }

    private static int SpawnInNamespaces(string path, string[] argv, IReadOnlyList<Ns> namespaces, Dictionary<int, int> fds)
    {
        int pid = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Check(unshare(CLONE_FS), "unshare(CLONE_FS)");
                int newFlags = 0;
                foreach (var ns in namespaces)
                {
                    int flag = Namespaces.Flag(ns.Type);
                    if (ns.Path is null) { newFlags |= flag; continue; }
                    int fd = Check(open(ns.Path, O_RDONLY | O_CLOEXEC, 0), $"open namespace {ns.Type} at {ns.Path}");
                    try { Check(setns(fd, flag), $"setns {ns.Type} {ns.Path}"); } finally { close(fd); }
                }
                if (newFlags != 0) Check(unshare(newFlags), $"unshare(0x{newFlags:x})");
                pid = Spawner.Spawn(path, argv, Spawner.CurrentEnvironment(), fds, newSession: false);
            }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 256 * 1024) { Name = "namespace-spawner", IsBackground = true };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return pid;
    }
}

/// <summary>The container's init (or exec'd process) failed to set up; the message is its own error.</summary>
public sealed class ContainerStartException(string message) : Exception(message);
