using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Renames a container, like <c>docker rename</c>.</para>
/// </summary>
[Cmdlet(VerbsCommon.Rename, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class RenameContainerCommand : ContainersCmdlet
{
    /// <summary>The container: ID, ID prefix or name (a Container from Get-Container binds by its Id).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Container")]
    public string Id { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    /// <summary>Write the renamed container.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Id, $"Rename to {NewName}")) return;
        ForItem(Id, () =>
        {
            Run(cancel => Client.RenameContainerAsync(Id, NewName, cancel));
            if (PassThru)
                WriteObject(Run(cancel => Client.ListContainersAsync(true, new Dictionary<string, string[]> { ["name"] = [NewName] }, cancel))
                    .First(c => c.Name == NewName));
        });
    }
}
