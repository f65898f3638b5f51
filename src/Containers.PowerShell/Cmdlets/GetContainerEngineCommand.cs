using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the version and system information of the container engine.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerEngine")]
[OutputType(typeof(EngineSummary))]
public sealed class GetContainerEngineCommand : ContainersCmdlet
{
    protected override void EndProcessing()
    {
        try
        {
            WriteObject(Run(Client.GetEngineAsync));
        }
        catch (ContainersEngineException e)
        {
            ThrowTerminating(e, Client.Endpoint.ToString());
        }
    }
}
