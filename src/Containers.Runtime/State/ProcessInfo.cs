namespace Containers.Runtime.State;

/// <summary>Reads /proc/PID/stat to tell a live process from a zombie, a dead one, or a different process reusing the PID.</summary>
public static class ProcessInfo
{
    /// <summary>(state letter, start time in clock ticks) or null when the PID does not exist.</summary>
    public static (char State, ulong StartTime)? Read(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name may contain spaces and parentheses: fields resume after the last ')'.
        int close = text.LastIndexOf(')');
        string[] fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); start time is field 22.
        return (fields[0][0], ulong.Parse(fields[19]));
    }

    public static bool IsAlive(int pid, ulong startTime) =>
        Read(pid) is { } info && info.State is not ('Z' or 'X') && (startTime == 0 || info.StartTime == startTime);
}
