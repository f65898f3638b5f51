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

/// <summary>Polling for what happens asynchronously (a container's output, an exit recorded).</summary>
public static class Poll
{
    /// <summary>Polls until <paramref name="condition"/> holds (at most 20 s), failing the test naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
