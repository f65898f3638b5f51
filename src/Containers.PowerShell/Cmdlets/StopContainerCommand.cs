using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Stops running containers, like <c>docker stop</c>.</para>
/// <para type="description">Sends each selected container its stop signal (SIGTERM unless the image says otherwise) and,
/// when it has not exited after -Timeout seconds, SIGKILL. Stopping a container that is not running is not an error:
/// the cmdlet says so in a verbose message. Each failure is reported for its own container and the others are still
/// stopped.</para>
/// </summary>
/// <example><code>Get-Container -Name 'web*' | Stop-Container -Timeout 1</code><para>Stops every container whose name starts with web, killing those still running after one second.</para></example>
/// <example><code>Stop-Container web -PassThru | Remove-Container</code><para>Stops the container web, then removes it.</para></example>
[Cmdlet(VerbsLifecycle.Stop, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Container))]
public sealed class StopContainerCommand : ContainerActionCmdlet
{
    /// <summary>Seconds to wait for the container to exit before it is killed; the container's own stop timeout (10 by default) when not given.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord() => ForEachContainerPassThru("Stop container", container =>
    {
        if (!Run(cancel => Client.StopContainerAsync(container, Timeout, cancel)))
            WriteVerbose($"Container {container} is not running.");
    });
}
