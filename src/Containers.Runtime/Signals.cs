namespace Containers.Runtime;

/// <summary>Signal names as kill(1), runc and dockerd accept them: "SIGTERM", "TERM", "15", "SIGRTMIN+3".</summary>
public static class Signals
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    public static int Parse(string s)
    {
        if (int.TryParse(s, out int n) && n is > 0 and <= 64) return n;
        string name = s.ToUpperInvariant();
        if (name.StartsWith("SIG")) name = name[3..];
        int i = Array.IndexOf(Names, name);
        if (i > 0) return i;
        if (name.StartsWith("RTMIN+") && int.TryParse(name[6..], out int k) && 34 + k <= 64) return 34 + k;
        throw new ArgumentException($"Invalid signal: {s}");
    }
}
