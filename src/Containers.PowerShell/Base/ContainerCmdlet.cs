using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of the cmdlets that act on containers (Start-, Stop-, Remove-Container...): it owns how they are selected,
/// as PowerShell's own process cmdlets do: <c>-Name</c> (positional, wildcards), <c>-Id</c> (full or a prefix), or
/// Container objects from the pipeline (<c>Get-Container | Stop-Container</c>); objects with a Name or Id property
/// bind by property name. A name or ID the engine does not know is one non-terminating error
/// (<c>ContainerNotFound</c>, ObjectNotFound) and the other containers are still acted on; a wildcard that matches
/// nothing is silent, as with Get-Process.
/// </summary>
public abstract class ContainerCmdlet : ContainersCmdlet
{
    protected const string ByName = "Name";
    protected const string ById = "Id";
    protected const string ByInputObject = "InputObject";

    /// <summary>Container names; wildcards match the names of all containers. An exact name may also be an ID or ID prefix.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Container IDs, full or a unique prefix.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ContainerCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Containers from Get-Container or New-Container.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    public Container[] InputObject { get; set; } = [];

    protected override string TargetNoun => "Container";

    /// <summary>
    /// The containers this record selects, as references the engine resolves (an ID, or a name as given). Wildcards are
    /// expanded against the engine's container list (all states).
    /// </summary>
    protected IEnumerable<string> SelectedContainers()
    {
        switch (ParameterSetName)
        {
            case ByInputObject:
                foreach (var container in InputObject) yield return container.Id;
                break;
            case ById:
                foreach (var id in Id) yield return id;
                break;
            default:
                foreach (var reference in ExpandNames(Name.Select(n => n.TrimStart('/')), cancel => Client.ListContainersAsync(all: true, cancel: cancel),
                    (all, name) => ContainerNames.Matching(all, name).Select(c => c.Id)))
                    yield return reference;
                break;
        }
    }

    /// <summary>Acts on each selected container after ShouldProcess; an engine error is that container's error only.</summary>
    protected void ForEachContainer(string action, Action<string> work)
    {
        foreach (var container in SelectedContainers())
        {
            if (!ShouldProcess(container, action)) continue;
            ForItem(container, () => work(container));
        }
    }

    /// <summary>
    /// The one container a single-target cmdlet (Rename-Container) acts on, or null after a non-terminating error:
    /// ContainerNotFound when the selection is empty (a wildcard that matches nothing), ContainerAmbiguous when it
    /// selects more than one. An exact name the engine does not know fails later, on the engine's 404, as elsewhere.
    /// </summary>
    protected string? SingleContainer()
    {
        var selected = SelectedContainers().Distinct().Take(2).ToList();
        var given = string.Join(", ", ParameterSetName switch { ByName => Name, ById => Id, _ => InputObject.Select(c => c.Name) });
        if (selected.Count == 0) WriteError(NotFound($"No container matches '{given}'.", given));
        else if (selected.Count > 1)
            WriteError(new ErrorRecord(new ArgumentException($"'{given}' matches more than one container; {MyInvocation.MyCommand.Name} acts on exactly one."),
                TargetNoun + "Ambiguous", ErrorCategory.InvalidArgument, given));
        return selected.Count == 1 ? selected[0] : null;
    }

    /// <summary>The container as Get-Container shows it now, for -PassThru.</summary>
    protected Container Current(string reference)
    {
        var inspect = Run(cancel => Client.InspectContainerAsync(reference, cancel));
        return Run(cancel => Client.ListContainersAsync(true, new Dictionary<string, string[]> { ["id"] = [inspect.Id] }, cancel)).First();
    }
}
