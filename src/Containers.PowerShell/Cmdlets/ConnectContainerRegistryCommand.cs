using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Logs in to a registry, like <c>docker login</c>.</para>
/// <para type="description">The engine checks the credentials against the registry; on success they are kept for this
/// session and used by Invoke-ImagePull for images of that registry.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "ContainerRegistry")]
[OutputType(typeof(AuthResponse))]
public sealed class ConnectContainerRegistryCommand : ContainersCmdlet
{
    /// <summary>Registry host[:port]; Docker Hub by default.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Registry { get; set; } = RegistryAuthHeader.DockerHub;

    [Parameter(Mandatory = true)]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    protected override void EndProcessing()
    {
        var serverAddress = Registry == RegistryAuthHeader.DockerHub ? RegistryAuthHeader.DockerHubServerAddress : Registry;
        var auth = Credentials.ToAuthConfig(Credential, serverAddress);
        try
        {
            var response = Run(cancel => Client.LoginAsync(auth, cancel));
            EngineSession.SaveCredential(Registry, auth);
            WriteObject(response);
        }
        catch (ContainersEngineException e)
        {
            ThrowTerminating(e, Registry);
        }
    }
}
