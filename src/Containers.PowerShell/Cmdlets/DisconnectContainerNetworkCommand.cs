using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Detaches containers from a network, like <c>docker network disconnect</c>.</para>
/// <para type="description">A running container loses its interface on the network at once. Containers are selected by
/// name (wildcards), ID, or from the pipeline; each failure is that container's own error.</para>
/// </summary>
/// <example><code>Disconnect-ContainerNetwork web -Network app</code><para>Detaches the container web from the network app.</para></example>
/// <example><code>Get-Container | Disconnect-ContainerNetwork -Network legacy -Force</code><para>Detaches every container from legacy, even those the engine could not detach cleanly.</para></example>
[Cmdlet(VerbsCommunications.Disconnect, "ContainerNetwork", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Container))]
public sealed class DisconnectContainerNetworkCommand : NetworkAttachmentCmdlet
{
    /// <summary>Detach even when the engine cannot do it cleanly (docker network disconnect -f).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForEachContainerPassThru($"Disconnect from network {Network}", container =>
        Run(cancel => Client.DisconnectNetworkAsync(Network, container, Force, cancel)));
}
