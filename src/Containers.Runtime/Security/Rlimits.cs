using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Security;

/// <summary>Applies the spec's rlimits, clamping to what the host allows instead of failing (runc and crun fail).</summary>
public static class Rlimits
{
    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE",
        "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    public static int Resource(string name) =>
        Array.IndexOf(Names, name) is var i and >= 0 ? i : throw new InvalidSpecException($"unknown rlimit type '{name}'");

    /// <summary>Sets each limit on this process; on EPERM clamps to the current hard limit (and fs.nr_open for NOFILE) and warns.</summary>
    public static unsafe void Apply(IEnumerable<RlimitSpec>? limits, Action<string> warn)
    {
        foreach (var l in limits ?? [])
        {
            int res = Resource(l.Type);
            var want = new RLimit { Cur = Math.Min(l.Soft, l.Hard), Max = l.Hard };
            if (prlimit64(0, res, &want, null) == 0) continue;
            if (Errno is not (EPERM or EINVAL)) throw new Interop.SyscallException($"setrlimit {l.Type}", Errno);
            RLimit current;
            Check(prlimit64(0, res, null, &current), $"getrlimit {l.Type}");
            ulong ceiling = current.Max;
            if (res == 7 && ulong.TryParse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), out ulong nrOpen)) ceiling = Math.Max(ceiling, Math.Min(want.Max, nrOpen));
            var clamped = new RLimit { Max = Math.Min(want.Max, ceiling), Cur = Math.Min(want.Cur, Math.Min(want.Max, ceiling)) };
            if (prlimit64(0, res, &clamped, null) != 0)
            {
                clamped = new RLimit { Max = current.Max, Cur = Math.Min(want.Cur, current.Max) };
                Check(prlimit64(0, res, &clamped, null), $"setrlimit {l.Type}");
            }
            warn($"{l.Type} soft={l.Soft} hard={l.Hard} exceeds what the host allows; clamped to soft={clamped.Cur} hard={clamped.Max}");
        }
    }
}
