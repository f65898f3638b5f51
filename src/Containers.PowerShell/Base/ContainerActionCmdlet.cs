using System.Management.Automation;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of the cmdlets that change a container's state (Start-, Stop-, Restart-, Suspend-, Resume-, Rename-Container):
/// the container selection of <see cref="ContainerCmdlet"/> plus <c>-PassThru</c>, which writes each container as
/// Get-Container shows it after the change.
/// </summary>
public abstract class ContainerActionCmdlet : ContainerCmdlet
{
    /// <summary>Write each container the cmdlet acted on, as Get-Container shows it afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary><see cref="ContainerCmdlet.ForEachContainer"/>, then the container for -PassThru.</summary>
    protected void ForEachContainerPassThru(string action, Action<string> work) => ForEachContainer(action, container =>
    {
        work(container);
        if (PassThru) WriteObject(Current(container));
    });
}
