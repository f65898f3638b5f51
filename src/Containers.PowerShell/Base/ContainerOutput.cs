using System.Management.Automation;
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
}
