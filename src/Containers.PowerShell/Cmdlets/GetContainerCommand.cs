using System.Collections;
using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets containers, like <c>docker ps</c>.</para>
/// <para type="description">Running containers by default; -All includes stopped and created ones. -Name and -Id find containers in any state. Select by name (wildcards),
/// ID prefix, label, or Docker's filters as a hashtable (@{ status = 'exited'; ancestor = 'busybox' }).</para>
/// </summary>
/// <example><code>Get-Container -All</code><para>Lists every container, running or not, as a table like docker ps -a.</para></example>
/// <example><code>Get-Container -Name 'web*' | Stop-Container -Timeout 1</code><para>Stops every container whose name starts with web.</para></example>
/// <example><code>Get-Container -All -Filter @{ status = 'exited' } -Label env=test</code><para>Lists the exited containers labelled env=test.</para></example>
[Cmdlet(VerbsCommon.Get, "Container", DefaultParameterSetName = ByName)]
[OutputType(typeof(Container))]
public sealed class GetContainerCommand : ContainersCmdlet
{
    private const string ByName = "ByName";
    private const string ById = "ById";

    /// <summary>Container names; wildcards allowed (<c>web*</c>). Finds containers in any state.</summary>
    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Full ID or a prefix.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    public string[]? Id { get; set; }

    /// <summary>Include stopped and created containers, not only running ones.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>key or key=value; all must match.</summary>
    [Parameter]
    public string[]? Label { get; set; }

    /// <summary>Docker's list filters: id, name, label, status, ancestor, exited, before, since.</summary>
    [Parameter]
    public Hashtable? Filter { get; set; }

    protected override string TargetNoun => "Container";

    protected override void ProcessRecord()
    {
        var filters = new Dictionary<string, string[]>();
        foreach (DictionaryEntry entry in Filter ?? [])
            filters[entry.Key.ToString()!] = entry.Value is IEnumerable values and not string
                ? values.Cast<object>().Select(v => v.ToString()!).ToArray()
                : [entry.Value?.ToString() ?? ""];
        if (Label is { Length: > 0 }) filters["label"] = Label;
        if (ParameterSetName == ById) filters["id"] = Id!;

        List<Container> containers;
        try
        {
            containers = Run(cancel => Client.ListContainersAsync(All || ParameterSetName == ById || Name is not null, filters, cancel));
        }
        catch (ContainersEngineException e)
        {
            ThrowTerminating(e, null);
            return;
        }
        if (Name is null)
        {
            WriteObject(containers, enumerateCollection: true);
            return;
        }
        foreach (var name in Name)
        {
            var found = ContainerNames.Matching(containers, name).ToList();
            if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(NotFound($"No such container: {name}", name));
            WriteObject(found, enumerateCollection: true);
        }
    }
}
