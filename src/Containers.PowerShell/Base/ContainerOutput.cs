using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// How the streaming cmdlets (Get-ContainerLog, Invoke-ContainerImage) hand a container's output lines to PowerShell,
/// mapping the container's streams onto PowerShell's as a native command's are: stdout lines are strings on the
/// pipeline (what <c>$lines = ...</c> captures); stderr lines are not pipeline data but are shown on the console the way
/// Write-Host shows text (the information stream, tagged <c>stderr</c>: <c>6>&amp;1</c> or <c>-InformationVariable</c>
/// captures them, <c>-InformationAction Ignore</c> drops them). They are not written as errors: many programs write
/// progress to stderr, and an ErrorRecord per line would set <c>$?</c> and stop a script under
/// <c>$ErrorActionPreference = 'Stop'</c>. With <c>-AsObject</c> every line of both streams is a
/// <see cref="ContainerLogLine"/> on the pipeline instead.
/// </summary>
internal static class ContainerOutput
{
    private static readonly string[] StderrTags = ["PSHOST", "stderr"];

    public static void Write(Cmdlet cmdlet, ContainerLogLine line, bool asObject)
    {
        if (asObject)
            cmdlet.WriteObject(line);
        else if (line.Stream == ContainerLogStream.Stdout)
            cmdlet.WriteObject(line.ToString());
        else
            cmdlet.WriteInformation(new HostInformationMessage { Message = line.ToString() }, StderrTags);
    }

    /// <summary>
    /// Leaves a container's exit code in <c>$LASTEXITCODE</c>, as after a native command; with
    /// <c>$PSNativeCommandUseErrorActionPreference</c> set, a non-zero exit code is also an error (ContainerExitedWithError).
    /// </summary>
    public static void SetExitCode(PSCmdlet cmdlet, long exitCode, string container)
    {
        cmdlet.SessionState.PSVariable.Set("global:LASTEXITCODE", (int)exitCode);
        if (exitCode != 0 && LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("PSNativeCommandUseErrorActionPreference")))
            cmdlet.WriteError(new ErrorRecord(new InvalidOperationException($"The container {container} exited with code {exitCode}."),
                "ContainerExitedWithError", ErrorCategory.NotSpecified, container));
    }

    /// <summary>
    /// An exec'd command's exit code, as <see cref="SetExitCode(PSCmdlet, long, string)"/>. A command that could not start
    /// has none (the reason was in its output): 126, as docker exec exits then. One still running (its session was
    /// detached) has none yet, and $LASTEXITCODE stays as it was.
    /// </summary>
    public static void SetExitCode(PSCmdlet cmdlet, ExecInspect exec, string container)
    {
        if (exec.Running && exec.ExitCode is null) cmdlet.WriteVerbose($"Detached from the command in {container}; it is still running.");
        else SetExitCode(cmdlet, exec.ExitCode ?? 126, container);
    }

    /// <summary>
    /// The exec once its process has ended: its output ends as the process closes it, a moment before the engine has
    /// recorded the exit. With <paramref name="patience"/> (a TTY session, which the detach keys can end while the
    /// process runs on) it stops waiting after that long and returns the exec still running.
    /// </summary>
    public static async Task<ExecInspect> EndedExecAsync(ContainersClient client, string exec, TimeSpan? patience, CancellationToken cancel)
    {
        var deadline = patience is { } wait ? DateTime.UtcNow + wait : DateTime.MaxValue;
        while (true)
        {
            var inspect = await client.InspectExecAsync(exec, cancel);
            if (!inspect.Running || inspect.ExitCode is not null || DateTime.UtcNow >= deadline) return inspect;
            await Task.Delay(20, cancel);
        }
    }
}
