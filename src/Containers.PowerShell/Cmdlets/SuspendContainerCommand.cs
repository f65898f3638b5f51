using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Pauses containers (freezes all their processes), like <c>docker pause</c>.</para>
/// <para type="description">Freezes every process of each selected running container with the cgroup freezer; the
/// container's State becomes paused until Resume-Container. A container that is not running, or is already paused, is
/// an error for that container only.</para>
/// </summary>
/// <example><code>Suspend-Container web</code><para>Pauses the container web.</para></example>
/// <example><code>Get-Container -Name 'batch-*' | Suspend-Container -PassThru</code><para>Pauses every running container whose name starts with batch- and writes each one as it is now.</para></example>
[Cmdlet(VerbsLifecycle.Suspend, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Container))]
public sealed class SuspendContainerCommand : ContainerActionCmdlet
{
    protected override void ProcessRecord() => ForEachContainerPassThru("Pause container", container =>
        Run(cancel => Client.PauseContainerAsync(container, cancel)));
}
