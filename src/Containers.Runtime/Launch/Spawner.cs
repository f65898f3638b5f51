using System.Runtime.InteropServices;
using System.Text;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Launch;

/// <summary>
/// posix_spawn through P/Invoke. glibc's posix_spawn clones with CLONE_VM|CLONE_VFORK and runs only its own C code
/// in the child until execve, so no managed code ever runs between fork and exec. The child starts with every
/// signal at its default disposition and an empty mask (.NET ignores SIGPIPE and blocks nothing we want inherited).
/// </summary>
public static unsafe class Spawner
{
    /// <param name="fds">child fd number → parent fd to dup2 there; everything else is close-on-exec in .NET.</param>
    public static int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string> env, IReadOnlyDictionary<int, int> fds, bool newSession)
    {
        // glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80: over-allocate.
        byte* attr = stackalloc byte[1024];
        byte* actions = stackalloc byte[512];
        byte* sigset = stackalloc byte[128];
        posix_spawnattr_init(attr);
        posix_spawn_file_actions_init(actions);
        var allocated = new List<nint>();
        try
        {
            sigemptyset(sigset);
            posix_spawnattr_setsigmask(attr, sigset);
            sigfillset(sigset);
            posix_spawnattr_setsigdefault(attr, sigset);
            posix_spawnattr_setflags(attr, (short)(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (newSession ? POSIX_SPAWN_SETSID : 0)));
            // Targets are 0..3 and sources are stdio or fresh (higher) descriptors, so in-order dup2s never clobber a source.
            foreach (var (child, parent) in fds)
                Check(posix_spawn_file_actions_adddup2(actions, parent, child) == 0 ? 0 : -1, "posix_spawn_file_actions_adddup2");

            nint Str(string s) { nint p = Marshal.StringToCoTaskMemUTF8(s); allocated.Add(p); return p; }
            nint[] argv = [.. args.Select(Str), 0];
            nint[] envp = [.. env.Select(Str), 0];
            byte[] pathBytes = Encoding.UTF8.GetBytes(path + "\0");
            int pid;
            int rc;
            fixed (byte* p = pathBytes)
            fixed (nint* a = argv)
            fixed (nint* e = envp)
                rc = posix_spawn(&pid, p, actions, attr, (byte**)a, (byte**)e);
            if (rc != 0) throw new Interop.SyscallException($"posix_spawn {path}", rc);
            return pid;
        }
        finally
        {
            foreach (var p in allocated) Marshal.FreeCoTaskMem(p);
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
        }
    }

    /// <summary>The current environment as KEY=VALUE strings.</summary>
    public static List<string> CurrentEnvironment() =>
        [.. Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}")];

    /// <summary>waitpid that retries on EINTR; returns the raw status.</summary>
    public static int Wait(int pid)
    {
        int status;
        while (waitpid(pid, &status, 0) < 0)
        {
            if (Errno == EINTR) continue;
            throw new Interop.SyscallException($"waitpid {pid}", Errno);
        }
        return status;
    }
}
