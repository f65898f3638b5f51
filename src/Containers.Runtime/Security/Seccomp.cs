using System.Runtime.InteropServices;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Security;

/// <summary>
/// Compiles the spec's linux.seccomp section with libseccomp (libseccomp2, P/Invoke) and loads it on the calling
/// thread only (no TSYNC): the init loads it on the thread that calls execve. The filter is built before
/// pivot_root because libseccomp.so lives on the host, not in the container's rootfs.
/// </summary>
internal sealed unsafe partial class Seccomp : IDisposable
{
    private const string Lib = "libseccomp.so.2";
    private nint ctx;

    [LibraryImport(Lib)] private static partial nint seccomp_init(uint defAction);
    [LibraryImport(Lib)] private static partial void seccomp_release(nint ctx);
    [LibraryImport(Lib)] private static partial int seccomp_load(nint ctx);
    [LibraryImport(Lib)] private static partial int seccomp_attr_set(nint ctx, int attr, uint value);
    [LibraryImport(Lib)] private static partial int seccomp_arch_add(nint ctx, uint arch);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] private static partial uint seccomp_arch_resolve_name(string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] private static partial int seccomp_syscall_resolve_name(string name);
    [LibraryImport(Lib)] private static partial int seccomp_rule_add_array(nint ctx, uint action, int syscall, uint argCount, ArgCmp* args);

    [StructLayout(LayoutKind.Sequential)]
    private struct ArgCmp { public uint Arg; public int Op; public ulong A; public ulong B; }

    private const int SCMP_FLTATR_CTL_NNP = 3;

    private Seccomp(nint ctx) => this.ctx = ctx;

    public static Seccomp Compile(SeccompSpec spec, Action<string> warn)
    {
        uint defaultAction = Action(spec.DefaultAction, spec.DefaultErrnoRet);
        nint ctx = seccomp_init(defaultAction);
        if (ctx == 0) throw new InvalidSpecException($"seccomp: libseccomp rejected default action {spec.DefaultAction}");
        var filter = new Seccomp(ctx);
        // no_new_privs is the spec's decision (process.noNewPrivileges), not libseccomp's.
        seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        foreach (var arch in spec.Architectures ?? [])
        {
            uint token = seccomp_arch_resolve_name(arch.StartsWith("SCMP_ARCH_") ? arch[10..].ToLowerInvariant() : arch);
            if (token == 0) throw new InvalidSpecException($"seccomp: unknown architecture '{arch}'");
            int rc = seccomp_arch_add(ctx, token);
            if (rc < 0 && rc != -Interop.Libc.EEXIST) throw new InvalidSpecException($"seccomp: cannot add architecture {arch} (error {rc})");
        }
        foreach (var rule in spec.Syscalls ?? [])
        {
            uint action = Action(rule.Action, rule.ErrnoRet);
            if (action == defaultAction) continue;
            foreach (var name in rule.Names)
            {
                int nr = seccomp_syscall_resolve_name(name);
                if (nr == -1) continue; // a syscall this architecture or libseccomp does not know: nothing to filter (runc does the same)
                var args = rule.Args ?? [];
                // Conditions on distinct arguments are ANDed in one rule; several on the same argument mean OR (runc semantics).
                bool distinct = args.Select(a => a.Index).Distinct().Count() == args.Count;
                if (distinct) filter.Add(action, nr, args, name);
                else foreach (var a in args) filter.Add(action, nr, [a], name);
            }
        }
        return filter;
    }

    private void Add(uint action, int nr, List<SyscallArg> args, string name)
    {
        var cmp = stackalloc ArgCmp[Math.Max(1, args.Count)];
        for (int i = 0; i < args.Count; i++)
            cmp[i] = new ArgCmp { Arg = args[i].Index, Op = Operator(args[i].Op), A = args[i].Value, B = args[i].ValueTwo };
        int rc = seccomp_rule_add_array(ctx, action, nr, (uint)args.Count, cmp);
        if (rc < 0) throw new InvalidSpecException($"seccomp: cannot add rule for {name} (error {rc})");
    }

    /// <summary>Installs the filter on the calling thread.</summary>
    public void Load()
    {
        int rc = seccomp_load(ctx);
        if (rc < 0) throw new Interop.SyscallException("seccomp_load", -rc);
    }

    public void Dispose()
    {
        if (ctx != 0) { seccomp_release(ctx); ctx = 0; }
    }

    private static uint Action(string name, uint? errno) => name switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => 0x00000000,
        "SCMP_ACT_KILL_PROCESS" => 0x80000000,
        "SCMP_ACT_TRAP" => 0x00030000,
        "SCMP_ACT_ERRNO" => 0x00050000 | ((errno ?? 1 /* EPERM */) & 0xffff),
        "SCMP_ACT_TRACE" => 0x7ff00000 | ((errno ?? 1) & 0xffff),
        "SCMP_ACT_LOG" => 0x7ffc0000,
        "SCMP_ACT_ALLOW" => 0x7fff0000,
        _ => throw new InvalidSpecException($"seccomp: unknown action '{name}'"),
    };

    private static int Operator(string op) => op switch
    {
        "SCMP_CMP_NE" => 1, "SCMP_CMP_LT" => 2, "SCMP_CMP_LE" => 3, "SCMP_CMP_EQ" => 4,
        "SCMP_CMP_GE" => 5, "SCMP_CMP_GT" => 6, "SCMP_CMP_MASKED_EQ" => 7,
        _ => throw new InvalidSpecException($"seccomp: unknown operator '{op}'"),
    };
}
