using System.ComponentModel;
using System.Diagnostics;

namespace Containers.Engine.Networks;

/// <summary>
/// Runs a host tool that takes a whole script on standard input (<c>ip -batch -</c>, <c>nft -f -</c>): one process per
/// step, however many commands it holds. A tool that is missing or refuses the script throws an IOException with the
/// tool's own message.
/// </summary>
public static class ScriptedTool
{
    public static void Run(string program, IReadOnlyList<string> arguments, string script)
    {
        if (script.Length == 0) return;
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process? started;
        try { started = Process.Start(start); }
        catch (Win32Exception e) { throw new IOException($"cannot run {program}: {e.Message}", e); }
        using var process = started ?? throw new IOException($"cannot run {program}");
        // Streams that were read are the caller's to close (Process.Dispose leaves them open): all three are disposed here.
        using var input = process.StandardInput;
        using var output = process.StandardOutput;
        using var error = process.StandardError;
        var stderr = error.ReadToEndAsync();
        var stdout = output.ReadToEndAsync();
        input.Write(script.EndsWith('\n') ? script : script + "\n");
        input.Close();
        process.WaitForExit();
        var errors = stderr.GetAwaiter().GetResult().Trim();
        var printed = stdout.GetAwaiter().GetResult().Trim();
        if (process.ExitCode == 0) return;
        var why = errors.Length > 0 ? errors : printed.Length > 0 ? printed : "exit code " + process.ExitCode;
        throw new IOException($"{program} {string.Join(' ', arguments)} failed: {why}");
    }
}
