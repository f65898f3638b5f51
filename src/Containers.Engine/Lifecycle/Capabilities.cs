namespace Containers.Engine.Lifecycle;

/// <summary>Linux capability names, and Docker's default set for unprivileged containers.</summary>
public static class Capabilities
{
    public static readonly string[] All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Docker's default capabilities (what <c>docker run</c> grants without --cap-add/--privileged).</summary>
    public static readonly string[] DockerDefault =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>Docker accepts "NET_ADMIN", "cap_net_admin" and "ALL"; returns the canonical "CAP_NET_ADMIN" (or "ALL").</summary>
    public static string Normalize(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        if (upper == "ALL") return upper;
        var canonical = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return All.Contains(canonical) ? canonical : throw new ArgumentException($"unknown capability: \"{name}\"");
    }

    /// <summary>The effective set: defaults (or all when privileged), plus adds, minus drops; "ALL" works on both sides.</summary>
    public static List<string> Effective(bool privileged, IEnumerable<string>? add, IEnumerable<string>? drop)
    {
        if (privileged) return [.. All];
        var adds = (add ?? []).Select(Normalize).ToList();
        var drops = (drop ?? []).Select(Normalize).ToList();
        var set = new List<string>(drops.Contains("ALL") ? [] : DockerDefault);
        set.AddRange(adds.Contains("ALL") ? All : adds);
        return set.Distinct().Where(c => !drops.Contains(c) || adds.Contains(c)).ToList();
    }
}
