using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Attaches containers to a network, like <c>docker network connect</c>.</para>
/// <para type="description">A running container gets a new interface on the network at once; a stopped one is attached
/// when it next starts. Containers are selected by name (wildcards), ID, or from the pipeline; each failure is that
/// container's own error.</para>
/// </summary>
/// <example><code>Connect-ContainerNetwork web -Network app -Alias www</code><para>Attaches the container web to the network app, where it also answers to www.</para></example>
/// <example><code>Get-Container 'api*' | Connect-ContainerNetwork -Network backend -PassThru</code><para>Attaches every container whose name starts with api to backend and writes them.</para></example>
[Cmdlet(VerbsCommunications.Connect, "ContainerNetwork", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class ConnectContainerNetworkCommand : NetworkAttachmentCmdlet
{
    /// <summary>More names the container answers to on this network.</summary>
    [Parameter]
    public string[]? Alias { get; set; }

    /// <summary>The container's IPv4 address on the network (a user-defined network with a subnet of its own).</summary>
    [Parameter]
    public System.Net.IPAddress? IPAddress { get; set; }

    protected override void ProcessRecord() => ForEachContainerPassThru($"Connect to network {Network}", container =>
    {
        var endpoint = Alias is null && IPAddress is null ? null : new EndpointSettings
        {
            Aliases = Alias is null ? null : [.. Alias],
            IPAMConfig = IPAddress is null ? null : new EndpointIpamConfig { IPv4Address = IPAddress.ToString() },
        };
        Run(cancel => Client.ConnectNetworkAsync(Network, container, endpoint, cancel));
    });
}
