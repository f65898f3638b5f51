using System.Management.Automation;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Removes containers, like <c>docker rm</c>.</para>
/// <para type="description">Takes IDs, names, or containers from Get-Container on the pipeline; each failure is reported for
/// its own container and the others are still removed.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerCommand : ContainersCmdlet
{
    /// <summary>IDs, ID prefixes or names (a Container from Get-Container binds by its Id).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Container")]
    public string[] Id { get; set; } = [];

    /// <summary>Remove even a running container.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            if (!ShouldProcess(id, "Remove container")) continue;
            ForItem(id, () => Run(cancel => Client.RemoveContainerAsync(id, Force, cancel)));
        }
    }
}
