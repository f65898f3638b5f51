using System.Diagnostics;

namespace Containers.Testing;

/// <summary>tmux, for driving interactive (-it) docker commands as a user at a terminal would.</summary>
public static class Tmux
{
    public static async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    /// <summary>The visible text of a session's pane.</summary>
    public static Task<string> CaptureAsync(string session) => RunAsync("capture-pane", "-p", "-t", session);
}
