using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Renames a container, like <c>docker rename</c>.</para>
/// <para type="description">The container keeps its ID, state and configuration; the new name must not be in use by another
/// container.</para>
/// </summary>
/// <example><code>Rename-Container web web-old</code><para>Renames the container web to web-old.</para></example>
/// <example><code>Get-Container -Id 3f2a | Rename-Container -NewName api -PassThru</code><para>Renames the container whose ID starts with 3f2a and writes it with its new name.</para></example>
[Cmdlet(VerbsCommon.Rename, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class RenameContainerCommand : ContainersCmdlet
{
    /// <summary>The container: ID, ID prefix or name (a Container from Get-Container binds by its Id).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Container")]
    public string Id { get; set; } = "";

    /// <summary>The new name.</summary>
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
