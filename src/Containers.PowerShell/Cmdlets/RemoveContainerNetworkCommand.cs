using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Removes networks, like <c>docker network rm</c>.</para>
/// <para type="description">Takes names (wildcards), IDs, or networks from Get-ContainerNetwork on the pipeline. A network
/// that running containers are attached to is not removed (NetworkConflict); the predefined bridge, host and none
/// networks cannot be removed. Each failure is that network's own error and the others are still removed.</para>
/// </summary>
/// <example><code>Remove-ContainerNetwork app</code><para>Removes the network app.</para></example>
/// <example><code>Get-ContainerNetwork 'ci-*' | Remove-ContainerNetwork -WhatIf</code><para>Shows which networks would be removed.</para></example>
[Cmdlet(VerbsCommon.Remove, "ContainerNetwork", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Network))]
public sealed class RemoveContainerNetworkCommand : NetworkCmdlet
{
    /// <summary>Write each network before it is removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachNetwork("Remove network", network =>
    {
        var removed = PassThru ? Run(cancel => Client.GetNetworkAsync(network, cancel)) : null;
        Run(cancel => Client.RemoveNetworkAsync(network, cancel));
        if (removed is not null) WriteObject(removed);
    });
}
