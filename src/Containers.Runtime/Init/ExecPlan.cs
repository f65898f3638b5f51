using System.Runtime.InteropServices;
using System.Text;
using Containers.Runtime.Security;
using Containers.Runtime.Spec;
using Containers.Interop;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>The last steps of the init, all on the thread that calls execve: credentials, capabilities, no_new_privs, seccomp, exec.</summary>
internal sealed partial class ExecPlan(ProcessSpec proc, Seccomp? seccomp, ulong bounding, ulong effective, ulong permitted,
    ulong inheritable, ulong ambient, bool hasCapabilities)
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private string executable = "";

    /// <summary>Finds args[0] on the container's PATH (after the root change), so a missing program fails create, as in runc.</summary>
    public void ResolveExecutable()
    {
        string arg0 = proc.Args![0];
        if (arg0.Contains('/'))
        {
            // runc's words for what cannot be executed (the engine maps them to Docker's 127 and 126).
            executable = arg0;
            if (Directory.Exists(arg0)) throw new InvalidSpecException($"exec: \"{arg0}\": is a directory");
            if (!File.Exists(arg0)) throw new InvalidSpecException($"exec: \"{arg0}\": stat {arg0}: no such file or directory");
            if (!IsExecutable(arg0)) throw new InvalidSpecException($"exec: \"{arg0}\": permission denied");
            return;
        }
        string path = proc.Env?.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, arg0);
            if (File.Exists(candidate) && IsExecutable(candidate))
            { executable = candidate; return; }
        }
        throw new InvalidSpecException($"exec: \"{arg0}\": executable file not found in $PATH");
    }

    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    public unsafe void Execute()
    {
        ApplyThreadState();
        nint[] argv = [.. proc.Args!.Select(a => Marshal.StringToCoTaskMemUTF8(a)), 0];
        nint[] envp = [.. (proc.Env ?? []).Select(e => Marshal.StringToCoTaskMemUTF8(e)), 0];
        byte[] exe = Encoding.UTF8.GetBytes(executable + "\0");
        fixed (byte* e = exe)
        fixed (nint* a = argv)
        fixed (nint* v = envp)
            execve(e, (byte**)a, (byte**)v);
        throw new SyscallException($"exec {executable}", Errno);
    }

    /// <summary>
    /// For --init: applies the process settings on a dedicated thread and posix_spawns the program from it, so the
    /// child inherits that thread's credentials, capabilities, no_new_privs and seccomp filter while the calling
    /// (main) thread stays a privileged PID 1 that reaps zombies. Returns the child's PID.
    /// </summary>
    public int SpawnFromRestrictedThread()
    {
        int pid = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                ApplyThreadState();
                pid = Launch.Spawner.Spawn(executable, proc.Args!, proc.Env ?? [], new Dictionary<int, int> { [0] = 0, [1] = 1, [2] = 2 }, newSession: false);
            }
            catch (Exception e) { failure = e; }
        }, 256 * 1024) { Name = "init-spawner" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return pid;
    }

    private void ApplyThreadState()
    {
        var log = (string m) => WriteAll(2, Encoding.UTF8.GetBytes($"containers-runtime init: warning: {m}\n"));
        // With no_new_privs the filter can be installed unprivileged, so it goes last (after capabilities drop);
        // without it seccomp needs CAP_SYS_ADMIN, so it goes before (runc does the same).
        if (!proc.NoNewPrivileges) seccomp?.Load();
        if (hasCapabilities) Capabilities.ApplyBounding(bounding);
        SwitchUser();
        if (hasCapabilities)
        {
            Capabilities.Set(effective, permitted, inheritable);
            Capabilities.RaiseAmbient(ambient, permitted, inheritable, log);
        }
        if (proc.NoNewPrivileges) Check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
        if (proc.User.Umask is { } umask) Containers.Interop.Libc.umask((uint)umask);
        CloseOnExecAll();
        if (proc.NoNewPrivileges) seccomp?.Load();
    }

    /// <summary>setgroups/setresgid/setresuid as raw syscalls: glibc's wrappers would change every thread's credentials.</summary>
    private unsafe void SwitchUser()
    {
        var u = proc.User;
        Check(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
        uint[] groups = [.. u.AdditionalGids ?? []];
        fixed (uint* g = groups) Check(syscall(SYS_setgroups, groups.Length, (nint)g, 0), $"setgroups({string.Join(',', groups)})");
        Check(syscall(SYS_setresgid, (nint)u.Gid, (nint)u.Gid, (nint)u.Gid), $"setresgid({u.Gid})");
        Check(syscall(SYS_setresuid, (nint)u.Uid, (nint)u.Uid, (nint)u.Uid), $"setresuid({u.Uid})");
        Check(prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl(PR_SET_KEEPCAPS, 0)");
    }

    /// <summary>Nothing of the runtime's (the .NET runtime's own descriptors included) leaks into the user's program.</summary>
    private static void CloseOnExecAll()
    {
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
            if (int.TryParse(Path.GetFileName(entry), out int fd) && fd > 2) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
}
