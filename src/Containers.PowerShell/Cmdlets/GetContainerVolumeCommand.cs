using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the engine's volumes, like <c>docker volume ls</c> and <c>docker volume inspect</c>.</para>
/// <para type="description">Without a name, every volume, as a table like docker volume ls (Format-List adds the
/// mount point, labels and options). By name (wildcards). -Dangling keeps the volumes no container uses
/// (-Dangling:$false the ones in use) and -Label the ones with a label, as docker volume ls --filter does. A name
/// without wildcards that the engine does not know is a VolumeNotFound error; the other names are still listed.</para>
/// </summary>
/// <example><code>Get-ContainerVolume</code><para>Lists the volumes as a table like docker volume ls.</para></example>
/// <example><code>(Get-ContainerVolume data).Mountpoint</code><para>The host directory that holds the volume data.</para></example>
/// <example><code>Get-ContainerVolume 'ci-*' -Dangling | Remove-ContainerVolume</code><para>Removes the volumes whose name starts with ci- that no container uses.</para></example>
/// <example><code>Get-ContainerVolume -Label tier=db | Format-List</code><para>Shows every volume labelled tier=db in detail.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerVolume")]
[OutputType(typeof(Volume))]
public sealed class GetContainerVolumeCommand : ContainersCmdlet
{
    /// <summary>Volume names; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VolumeCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only volumes no container uses; -Dangling:$false, only volumes in use.</summary>
    [Parameter]
    public SwitchParameter Dangling { get; set; }

    /// <summary>Only volumes with these labels: key or key=value; all must match.</summary>
    [Parameter]
    public string[]? Label { get; set; }

    protected override string TargetNoun => "Volume";

    protected override void ProcessRecord()
    {
        var filters = new Dictionary<string, string[]>();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Dangling))) filters["dangling"] = [Dangling.IsPresent ? "true" : "false"];
        if (Label is { Length: > 0 }) filters["label"] = Label;
        List<Volume>? listed = null;

        foreach (var name in (Name ?? []).Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            ForItem(name, () =>
            {
                var volume = Run(cancel => Client.GetVolumeAsync(name, cancel));
                if (filters.Count == 0 || Listed().Any(v => v.Name == volume.Name)) WriteObject(volume);
            });
        }
        var patterns = (Name ?? []).Where(WildcardPattern.ContainsWildcardCharacters).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        if (Name is null || patterns.Count > 0)
            WriteObject(Listed().Where(v => patterns.Count == 0 || patterns.Any(p => p.IsMatch(v.Name))), enumerateCollection: true);

        // The engine's list with the filters, fetched once, when something needs it; failing to list stops the cmdlet.
        List<Volume> Listed()
        {
            try
            {
                return listed ??= Run(cancel => Client.ListVolumesAsync(filters, cancel));
            }
            catch (ContainersEngineException e)
            {
                ThrowTerminating(e, null);
                throw;
            }
        }
    }
}
