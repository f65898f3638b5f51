using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Resumes paused containers, like <c>docker unpause</c>.</para>
/// <para type="description">Thaws every process of each selected container that Suspend-Container paused; its State
/// is running again. A container that is not paused is an error for that container only.</para>
/// </summary>
/// <example><code>Resume-Container web</code><para>Resumes the paused container web.</para></example>
/// <example><code>Get-Container -Filter @{ status = 'paused' } | Resume-Container -PassThru</code><para>Resumes every paused container and writes each one as it is now.</para></example>
[Cmdlet(VerbsLifecycle.Resume, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class ResumeContainerCommand : ContainerActionCmdlet
{
    protected override void ProcessRecord() => ForEachContainerPassThru("Unpause container", container =>
        Run(cancel => Client.UnpauseContainerAsync(container, cancel)));
}
