using System.Management.Automation;
using Containers.PowerShell.Completion;

namespace Containers.PowerShell.Base;

/// <summary>Base of Connect- and Disconnect-ContainerNetwork: the containers selected as <see cref="ContainerCmdlet"/> selects them, and the network.</summary>
public abstract class NetworkAttachmentCmdlet : ContainerActionCmdlet
{
    /// <summary>The network's name or ID.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string Network { get; set; } = "";
}
