using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Logs in to a registry, like <c>docker login</c>.</para>
/// <para type="description">The engine checks the credentials against the registry; on success they are kept for this
/// session and used by Invoke-ImagePull for images of that registry.</para>
/// </summary>
/// <example><code>Connect-ContainerRegistry registry.example:5000 -Credential (Get-Credential)</code><para>Prompts for a user name and password and logs in to a private registry for this session.</para></example>
/// <example><code>$cred = [pscredential]::new('ci', (ConvertTo-SecureString $env:REGISTRY_TOKEN -AsPlainText -Force))
/// Connect-ContainerRegistry -Credential $cred
/// Invoke-ImagePull team/app:1.2</code><para>Logs in to Docker Hub with a token from the environment, then pulls a private image with those credentials.</para></example>
[Cmdlet(VerbsCommunications.Connect, "ContainerRegistry")]
[OutputType(typeof(AuthResponse))]
public sealed class ConnectContainerRegistryCommand : ContainersCmdlet
{
    /// <summary>Registry host[:port]; Docker Hub by default.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Registry { get; set; } = RegistryAuthHeader.DockerHub;

    /// <summary>User name and password (or token) for the registry; Get-Credential prompts for them.</summary>
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
