using System.Management.Automation;
using Containers.PowerShell.Types;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Waits until containers stop and returns their exit codes, like <c>docker wait</c>.</para>
/// <para type="description">Blocks until each selected container meets -Condition, then writes a ContainerExitStatus
/// (Id, Name, ExitCode) for it, in the order the containers were given. Ctrl+C ends the wait; the containers go on
/// running. A container the engine does not know is an error for that container only.</para>
/// </summary>
/// <example><code>New-Container busybox -- sh -c 'exit 3' | Start-Container -PassThru | Wait-Container</code><para>Runs a container to completion and returns its exit status (ExitCode 3).</para></example>
/// <example><code>Get-Container -Name 'job-*' | Wait-Container | Where-Object ExitCode -ne 0</code><para>Waits for every running container whose name starts with job- and keeps those that failed.</para></example>
/// <example><code>Wait-Container web -Condition Removed</code><para>Waits until the container web has been removed (for example by Remove-Container in another session).</para></example>
[Cmdlet(VerbsLifecycle.Wait, "Container", DefaultParameterSetName = ByName)]
[OutputType(typeof(ContainerExitStatus))]
public sealed class WaitContainerCommand : ContainerCmdlet
{
    /// <summary>
    /// What to wait for: NotRunning (the default: returns at once for a container that is not running), NextExit (the
    /// next time it exits, even when it is not running now) or Removed (until it has exited and been removed).
    /// </summary>
    [Parameter]
    public ContainerWaitCondition Condition { get; set; } = ContainerWaitCondition.NotRunning;

    protected override void ProcessRecord()
    {
        try
        {
            ForEachContainer("Wait for container", container =>
            {
                // Inspect first: the name is gone once a Removed wait returns, and an unknown container fails here.
                var inspect = Run(cancel => Client.InspectContainerAsync(container, cancel));
                var exitCode = Run(cancel => Client.WaitContainerAsync(inspect.Id, EngineCondition, cancel));
                WriteObject(new ContainerExitStatus { Id = inspect.Id, Name = inspect.Name.TrimStart('/'), ExitCode = exitCode });
            });
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            // Ctrl+C: StopProcessing cancelled the wait in flight; end the way PowerShell expects a stopped pipeline to.
            throw new PipelineStoppedException();
        }
    }

    private string EngineCondition => Condition switch
    {
        ContainerWaitCondition.NextExit => "next-exit",
        ContainerWaitCondition.Removed => "removed",
        _ => "not-running",
    };
}
