using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the version and system information of the container engine.</para>
/// <para type="description">Like <c>docker info</c> and <c>docker version</c> together: asks the engine this session is connected
/// to (see Connect-ContainerEngine) and writes one EngineSummary object.</para>
/// </summary>
/// <example><code>Get-ContainerEngine</code><para>Shows the engine's version, API version, kernel, storage driver, cgroup setup and container counts.</para></example>
/// <example><code>(Get-ContainerEngine).ApiVersion</code><para>Gets only the API version the engine speaks.</para></example>
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
