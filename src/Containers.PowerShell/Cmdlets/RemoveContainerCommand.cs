using System.Management.Automation;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Removes containers, like <c>docker rm</c>.</para>
/// <para type="description">Takes names (wildcards allowed), IDs, or containers from Get-Container on the pipeline; each
/// failure is reported for its own container and the others are still removed.</para>
/// </summary>
/// <example><code>Remove-Container web</code><para>Removes the stopped container named web.</para></example>
/// <example><code>Get-Container -All | Where-Object State -eq exited | Remove-Container -Confirm:$false</code><para>Removes every exited container without asking for each.</para></example>
/// <example><code>Remove-Container db -Volumes</code><para>Removes the container db and its anonymous volumes (those of
/// <c>-Volume /path</c> and of the image's VOLUMEs), as <c>docker rm -v</c>; named volumes are kept.</para></example>
/// <example><code>Remove-Container 'test-*' -Force -WhatIf</code><para>Shows which containers named test-... would be removed (running ones included) without removing any.</para></example>
[Cmdlet(VerbsCommon.Remove, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerCommand : ContainerCmdlet
{
    /// <summary>Remove even a running container (it is killed first).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Remove the container's anonymous volumes too, as <c>docker rm --volumes</c>; named volumes are kept.</summary>
    [Parameter]
    public SwitchParameter Volumes { get; set; }

    protected override void ProcessRecord() =>
        ForEachContainer("Remove container", container => Run(cancel => Client.RemoveContainerAsync(container, Force, Volumes, cancel)));
}
