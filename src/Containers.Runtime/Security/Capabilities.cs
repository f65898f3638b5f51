using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Security;

/// <summary>
/// Capability sets. Bounding set, capset and ambient raises act on the calling thread only, which is why the
/// init applies them on the thread that then calls execve.
/// </summary>
public static class Capabilities
{
    public static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's default capability set for unprivileged containers.</summary>
    public static readonly string[] DockerDefault =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static int LastCap => int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out int v) ? v : 40;

    /// <summary>Docker's --cap-add/--cap-drop arithmetic ("ALL" allowed, names with or without CAP_).</summary>
    public static List<string> Adjust(IEnumerable<string> baseSet, IEnumerable<string> add, IEnumerable<string> drop)
    {
        static string Norm(string c) { c = c.ToUpperInvariant(); return c == "ALL" || c.StartsWith("CAP_") ? c : "CAP_" + c; }
        var set = new List<string>(baseSet.Select(Norm));
        var dropSet = drop.Select(Norm).ToHashSet();
        if (dropSet.Contains("ALL")) set.Clear();
        set.RemoveAll(dropSet.Contains);
        foreach (var a in add.Select(Norm))
        {
            if (a == "ALL") { set = [.. Names]; continue; }
            if (Array.IndexOf(Names, a) < 0) throw new ArgumentException($"unknown capability '{a}'");
            if (!set.Contains(a)) set.Add(a);
        }
        return set;
    }

    internal static ulong Mask(IEnumerable<string>? names, Action<string> warn)
    {
        ulong mask = 0;
        int last = LastCap;
        foreach (var n in names ?? [])
        {
            int bit = Array.IndexOf(Names, n);
            if (bit < 0) throw new InvalidSpecException($"unknown capability '{n}'");
            if (bit > last) { warn($"capability {n} is not known to this kernel, ignored"); continue; }
            mask |= 1UL << bit;
        }
        return mask;
    }

    /// <summary>Drops from the bounding set every capability not in <paramref name="bounding"/> (needs CAP_SETPCAP: do it first).</summary>
    internal static void ApplyBounding(ulong bounding)
    {
        int last = LastCap;
        for (int cap = 0; cap <= last; cap++)
            if ((bounding & (1UL << cap)) == 0) Check(prctl(PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0), $"prctl(PR_CAPBSET_DROP, {Names[cap]})");
    }

    internal static unsafe void Set(ulong effective, ulong permitted, ulong inheritable)
    {
        uint* header = stackalloc uint[2] { 0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0 };
        uint* data = stackalloc uint[6]
        {
            (uint)effective, (uint)permitted, (uint)inheritable,
            (uint)(effective >> 32), (uint)(permitted >> 32), (uint)(inheritable >> 32),
        };
        Check(syscall(SYS_capset, (nint)header, (nint)data, 0), "capset");
    }

    /// <summary>The kernel only raises ambient capabilities that are both permitted and inheritable; others are skipped, as in runc.</summary>
    internal static void RaiseAmbient(ulong ambient, ulong permitted, ulong inheritable, Action<string> warn)
    {
        ambient &= permitted & inheritable;
        for (int cap = 0; cap < 64; cap++)
            if ((ambient & (1UL << cap)) != 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (nuint)cap, 0, 0) != 0)
                warn($"cannot raise ambient capability {Names[cap]}: errno {Errno}");
    }
}
