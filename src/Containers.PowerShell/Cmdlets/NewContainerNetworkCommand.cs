using System.Collections;
using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Creates a network, like <c>docker network create</c>.</para>
/// <para type="description">A bridge network of its own: containers on it reach each other by name and alias, and are
/// isolated from containers on other networks. Without -Subnet the engine picks a free private subnet, as dockerd does.
/// Writes the new network.</para>
/// </summary>
/// <example><code>New-ContainerNetwork app</code><para>Creates the network app with a subnet the engine picks.</para></example>
/// <example><code>New-ContainerNetwork backend -Subnet 10.30.0.0/24 -Gateway 10.30.0.1 -Internal -Label @{ tier = 'db' }</code><para>Creates an internal network (no traffic in or out of the host) with a given subnet, gateway and label.</para></example>
[Cmdlet(VerbsCommon.New, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Network))]
public sealed class NewContainerNetworkCommand : ContainersCmdlet
{
    /// <summary>The network's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The driver; bridge, the only one user-defined networks have.</summary>
    [Parameter]
    public string Driver { get; set; } = "bridge";

    /// <summary>The subnet in CIDR form, e.g. 10.30.0.0/24.</summary>
    [Parameter]
    public string? Subnet { get; set; }

    /// <summary>The gateway's address in the subnet (the first address by default).</summary>
    [Parameter]
    public string? Gateway { get; set; }

    /// <summary>The part of the subnet containers' addresses are taken from, in CIDR form.</summary>
    [Parameter]
    public string? IPRange { get; set; }

    /// <summary>No traffic between the network and the outside.</summary>
    [Parameter]
    public SwitchParameter Internal { get; set; }

    /// <summary>Labels of the network, as @{ tier = 'web' } or key=value strings.</summary>
    [Parameter]
    [KeyValueTransformation]
    public Hashtable? Label { get; set; }

    /// <summary>Driver options, as @{ 'com.docker.network.bridge.name' = 'br-app' } or key=value strings.</summary>
    [Parameter]
    [KeyValueTransformation]
    public Hashtable? Option { get; set; }

    protected override string TargetNoun => "Network";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Create network")) return;
        var request = new NetworkCreateRequest
        {
            Name = Name,
            Driver = Driver,
            Internal = Internal,
            Labels = KeyValueTransformationAttribute.ToDictionary(Label),
            Options = KeyValueTransformationAttribute.ToDictionary(Option),
            IPAM = Subnet is null && Gateway is null && IPRange is null
                ? null
                : new NetworkIpam { Config = [new IpamConfig { Subnet = Subnet, Gateway = Gateway, IPRange = IPRange }] },
        };
        ForItem(Name, () =>
        {
            var created = Run(cancel => Client.CreateNetworkAsync(request, cancel));
            if (created.Warning is { Length: > 0 } warning) WriteWarning(warning);
            WriteObject(Run(cancel => Client.GetNetworkAsync(created.Id, cancel)));
        });
    }
}
