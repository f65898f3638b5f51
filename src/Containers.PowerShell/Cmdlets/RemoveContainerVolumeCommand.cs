using System.Management.Automation;
using Containers.Api;
using Containers.Client;
using Containers.PowerShell.Formatting;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Removes volumes, like <c>docker volume rm</c>, or the unused ones, like <c>docker volume prune</c>.</para>
/// <para type="description">Takes names (wildcards), or volumes from Get-ContainerVolume on the pipeline. A volume that a
/// container uses, running or not, is not removed: that is a VolumeInUse error with the engine's message naming the
/// containers, and the other volumes are still removed. -Unused removes the anonymous volumes no container uses (the
/// ones made without a name, e.g. by New-ContainerVolume without -Name); with -All, every volume no container uses,
/// named ones too.</para>
/// </summary>
/// <example><code>Remove-ContainerVolume data</code><para>Removes the volume data.</para></example>
/// <example><code>Get-ContainerVolume 'ci-*' | Remove-ContainerVolume -WhatIf</code><para>Shows which volumes would be removed.</para></example>
/// <example><code>Remove-ContainerVolume -Unused -Verbose</code><para>Removes the anonymous volumes no container uses and says how much space that freed.</para></example>
/// <example><code>Remove-ContainerVolume -Unused -All -PassThru</code><para>Removes every volume no container uses, named or anonymous, and writes them.</para></example>
[Cmdlet(VerbsCommon.Remove, "ContainerVolume", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Volume))]
public sealed class RemoveContainerVolumeCommand : ContainersCmdlet
{
    private const string ByName = "Name";
    private const string ByInputObject = "InputObject";
    private const string ByUnused = "Unused";

    /// <summary>Docker's label on the volumes made without a name, the ones a prune without -All removes.</summary>
    private const string AnonymousLabel = "com.docker.volume.anonymous";

    /// <summary>Volume names; wildcards match the names of all volumes.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [Alias("Volume")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VolumeCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Volumes from Get-ContainerVolume or New-ContainerVolume.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    public Volume[] InputObject { get; set; } = [];

    /// <summary>Remove the volumes no container uses instead of named ones: the anonymous ones, or all of them with -All (docker volume prune).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUnused)]
    public SwitchParameter Unused { get; set; }

    /// <summary>With -Unused: remove named unused volumes too, not only anonymous ones (docker volume prune --all).</summary>
    [Parameter(ParameterSetName = ByUnused)]
    public SwitchParameter All { get; set; }

    /// <summary>Ask the engine to force the removal (docker volume rm --force).</summary>
    [Parameter(ParameterSetName = ByName)]
    [Parameter(ParameterSetName = ByInputObject)]
    public SwitchParameter Force { get; set; }

    /// <summary>Write each volume that is removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string TargetNoun => "Volume";

    protected override void ProcessRecord()
    {
        if (Unused)
        {
            RemoveUnused();
            return;
        }
        var names = ParameterSetName == ByInputObject
            ? InputObject.Select(v => v.Name)
            : ExpandNames(Name, cancel => Client.ListVolumesAsync(cancel: cancel),
                (all, name) => all.Where(v => new WildcardPattern(name, WildcardOptions.IgnoreCase).IsMatch(v.Name)).Select(v => v.Name));
        foreach (var name in names)
        {
            if (!ShouldProcess(name, "Remove volume")) continue;
            ForItem(name, () =>
            {
                var removed = PassThru ? Run(cancel => Client.GetVolumeAsync(name, cancel)) : null;
                try
                {
                    Run(cancel => Client.RemoveVolumeAsync(name, Force, cancel));
                }
                catch (ContainersConflictException e)
                {
                    WriteError(new ErrorRecord(e, "VolumeInUse", ErrorCategory.ResourceBusy, name));
                    return;
                }
                if (removed is not null) WriteObject(removed);
            });
        }
    }

    /// <summary>docker volume prune: one request to the engine, after ShouldProcess names the volumes it would remove now.</summary>
    private void RemoveUnused()
    {
        List<Volume> unused;
        VolumePruneResponse pruned;
        try
        {
            unused = Run(cancel => Client.ListVolumesAsync(new Dictionary<string, string[]> { ["dangling"] = ["true"] }, cancel))
                .Where(v => All || v.Labels.ContainsKey(AnonymousLabel)).ToList();
            var target = unused.Count > 0 ? string.Join(", ", unused.Select(v => v.Name)) : All ? "unused volumes" : "unused anonymous volumes";
            if (!ShouldProcess(target, "Remove unused volumes")) return;
            pruned = Run(cancel => Client.PruneVolumesAsync(All, cancel: cancel));
        }
        catch (ContainersEngineException e)
        {
            ThrowTerminating(e, null);
            return;
        }
        foreach (var name in pruned.VolumesDeleted) WriteVerbose($"Deleted volume {name}");
        WriteVerbose($"Total reclaimed space: {DisplayText.DecimalSize(pruned.SpaceReclaimed)}");
        if (PassThru) WriteObject(unused.Where(v => pruned.VolumesDeleted.Contains(v.Name)), enumerateCollection: true);
    }
}
