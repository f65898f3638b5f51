using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the engine's networks, like <c>docker network ls</c> and <c>docker network inspect</c>.</para>
/// <para type="description">Without a name, every network (the predefined bridge, host and none, and the user-defined
/// ones). By name (wildcards), or by ID (a unique prefix). Each is the engine's whole network record: its subnet and
/// gateway under IPAM.Config, and the containers attached to it under Containers.</para>
/// </summary>
/// <example><code>Get-ContainerNetwork</code><para>Lists the networks as a table like docker network ls.</para></example>
/// <example><code>(Get-ContainerNetwork app).IPAM.Config.Subnet</code><para>The subnet of the network app.</para></example>
/// <example><code>Get-ContainerNetwork 'test-*' | Remove-ContainerNetwork</code><para>Removes every network whose name starts with test-.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerNetwork", DefaultParameterSetName = ByName)]
[OutputType(typeof(Network))]
public sealed class GetContainerNetworkCommand : ContainersCmdlet
{
    private const string ByName = "ByName";
    private const string ById = "ById";

    /// <summary>Network names; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Full network IDs or unique prefixes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string[]? Id { get; set; }

    protected override string TargetNoun => "Network";

    protected override void ProcessRecord()
    {
        var exact = (ParameterSetName == ById ? Id! : Name ?? []).Where(n => ParameterSetName == ById || !WildcardPattern.ContainsWildcardCharacters(n));
        foreach (var reference in exact) ForItem(reference, () => WriteObject(Run(cancel => Client.GetNetworkAsync(reference, cancel))));
        if (ParameterSetName == ById || (Name is not null && Name.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))) return;

        List<Network> networks;
        try
        {
            networks = Run(cancel => Client.ListNetworksAsync(cancel: cancel));
        }
        catch (ContainersEngineException e)
        {
            ThrowTerminating(e, null);
            return;
        }
        var patterns = Name?.Where(WildcardPattern.ContainsWildcardCharacters).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        WriteObject(networks.Where(n => patterns is null || patterns.Any(p => p.IsMatch(n.Name))), enumerateCollection: true);
    }
}
