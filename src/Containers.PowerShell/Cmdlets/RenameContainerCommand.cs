using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Renames a container, like <c>docker rename</c>.</para>
/// <para type="description">Selects exactly one container by name (a wildcard must match exactly one), ID, or a Container
/// from the pipeline, and gives it a new name. A selection that matches no container is a ContainerNotFound error, one
/// that matches several a ContainerAmbiguous error; the new name must not be in use.</para>
/// </summary>
/// <example><code>Rename-Container web web2</code><para>Renames the container web to web2.</para></example>
/// <example><code>Get-Container -Id 3f2a | Rename-Container -NewName api -PassThru</code><para>Renames the container whose ID starts with 3f2a to api and writes it.</para></example>
[Cmdlet(VerbsCommon.Rename, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class RenameContainerCommand : ContainerActionCmdlet
{
    /// <summary>The container's new name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    protected override void ProcessRecord()
    {
        if (SingleContainer() is not { } container || !ShouldProcess(container, $"Rename to {NewName}")) return;
        ForItem(container, () =>
        {
            Run(cancel => Client.RenameContainerAsync(container, NewName, cancel));
            // By the new name: the reference given may have been the old one.
            if (PassThru) WriteObject(Current(NewName));
        });
    }
}
