using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Starts containers, like <c>docker start</c>.</para>
/// <para type="description">Starts created or stopped containers selected by name (wildcards allowed), ID, or Container
/// objects from the pipeline (New-Container, Get-Container). Starting a container that is already running is not an
/// error: the cmdlet says so in a verbose message. Each failure is reported for its own container and the others are
/// still started.</para>
/// </summary>
/// <example><code>New-Container busybox -Name web -- sh -c 'while true; do sleep 1; done' | Start-Container</code><para>Creates a container and starts it.</para></example>
/// <example><code>Get-Container -All -Filter @{ status = 'exited' } | Start-Container -PassThru</code><para>Starts every exited container again and writes each one as it is now.</para></example>
[Cmdlet(VerbsLifecycle.Start, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class StartContainerCommand : ContainerActionCmdlet
{
    protected override void ProcessRecord() => ForEachContainerPassThru("Start container", container =>
    {
        if (!Run(cancel => Client.StartContainerAsync(container, cancel)))
            WriteVerbose($"Container {container} is already running.");
    });
}
