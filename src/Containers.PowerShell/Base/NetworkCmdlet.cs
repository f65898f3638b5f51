using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of the cmdlets that act on networks (Remove-, Connect-, Disconnect-ContainerNetwork), as
/// <see cref="ContainerCmdlet"/> is for containers: <c>-Name</c> (positional, wildcards), <c>-Id</c> (full or a
/// prefix), or Network objects from the pipeline (Get-ContainerNetwork). A name the engine does not know is one
/// non-terminating <c>NetworkNotFound</c> error and the others are still acted on; a wildcard that matches nothing is silent.
/// </summary>
public abstract class NetworkCmdlet : ContainersCmdlet
{
    protected const string ByName = "Name";
    protected const string ById = "Id";
    protected const string ByInputObject = "InputObject";

    /// <summary>Network names; wildcards match the names of all networks. An exact name may also be an ID or ID prefix.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [Alias("Network")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Network IDs, full or a unique prefix.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Networks from Get-ContainerNetwork or New-ContainerNetwork.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    public Network[] InputObject { get; set; } = [];

    protected override string TargetNoun => "Network";

    /// <summary>The networks this record selects, as references the engine resolves (an ID, or a name as given).</summary>
    protected IEnumerable<string> SelectedNetworks()
    {
        switch (ParameterSetName)
        {
            case ByInputObject:
                foreach (var network in InputObject) yield return network.Id;
                break;
            case ById:
                foreach (var id in Id) yield return id;
                break;
            default:
                foreach (var reference in ExpandNames(Name, cancel => Client.ListNetworksAsync(cancel: cancel),
                    (all, name) => all.Where(n => new WildcardPattern(name, WildcardOptions.IgnoreCase).IsMatch(n.Name)).Select(n => n.Id)))
                    yield return reference;
                break;
        }
    }

    /// <summary>Acts on each selected network after ShouldProcess; an engine error is that network's error only.</summary>
    protected void ForEachNetwork(string action, Action<string> work)
    {
        foreach (var network in SelectedNetworks())
        {
            if (!ShouldProcess(network, action)) continue;
            ForItem(network, () => work(network));
        }
    }
}
