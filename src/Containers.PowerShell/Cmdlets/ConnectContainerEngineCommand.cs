using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Sets the container engine this session's cmdlets talk to.</para>
/// <para type="description">Connects to a Unix socket (unix:///path) or a TCP address (tcp://host:port, with mutual TLS
/// when certificate paths are given), checks that an engine answers, and makes it the default for the session.</para>
/// </summary>
/// <example><code>Connect-ContainerEngine unix:///run/containers-engine.sock</code><para>Connects to the engine on its default Unix socket and shows the API version it answers with.</para></example>
/// <example><code>Connect-ContainerEngine -Uri tcp://build-host:2376 -CACertificatePath ca.pem -CertificatePath cert.pem -KeyPath key.pem</code><para>Connects to a remote engine over TCP with mutual TLS, using the client certificate and key in the current folder.</para></example>
[Cmdlet(VerbsCommunications.Connect, "ContainerEngine", DefaultParameterSetName = PlainSet)]
[OutputType(typeof(PingResult))]
public sealed class ConnectContainerEngineCommand : ContainersCmdlet
{
    private const string PlainSet = "Plain";
    private const string TlsSet = "Tls";

    /// <summary>unix:///path or tcp://host:port; by default CONTAINERS_HOST or /run/containers-engine.sock.</summary>
    [Parameter(Position = 0, ParameterSetName = PlainSet)]
    [Parameter(Position = 0, ParameterSetName = TlsSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Uri { get; set; }

    /// <summary>PEM file of the CA that signed the engine's certificate.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TlsSet)]
    [Alias("TlsCACert")]
    public string? CACertificatePath { get; set; }

    /// <summary>PEM file of this client's certificate.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TlsSet)]
    [Alias("TlsCert")]
    public string? CertificatePath { get; set; }

    /// <summary>PEM file of this client's private key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TlsSet)]
    [Alias("TlsKey")]
    public string? KeyPath { get; set; }

    protected override void EndProcessing()
    {
        EngineEndpoint endpoint;
        try
        {
            var tls = ParameterSetName == TlsSet
                ? new EngineTlsOptions(Resolve(CACertificatePath!), Resolve(CertificatePath!), Resolve(KeyPath!))
                : null;
            endpoint = EngineEndpoint.Resolve(Uri, tls);
        }
        catch (FormatException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "Containers.InvalidUri", ErrorCategory.InvalidArgument, Uri));
            return;
        }

        var client = new ContainersClient(endpoint);
        try
        {
            var ping = Run(client.PingAsync);
            EngineSession.Connect(client);
            WriteObject(ping);
        }
        catch (ContainersEngineException e)
        {
            client.Dispose();
            ThrowTerminating(e, endpoint.ToString());
        }
    }

    private string Resolve(string path) => GetUnresolvedProviderPathFromPSPath(path);
}
