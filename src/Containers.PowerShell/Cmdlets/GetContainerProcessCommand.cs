using System.Management.Automation;
using Containers.PowerShell.Types;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the processes running in containers, like <c>docker top</c>.</para>
/// <para type="description">Writes a ContainerProcess object (Container, ProcessId, ParentProcessId, User, CpuTime,
/// Command, and every ps column in Columns) for each process of each selected running container. PIDs are the host's, as
/// docker top shows them. -PsArgs passes options to ps on the engine's host, like docker top's arguments (default -ef).
/// A container that is not running is an error for that container only.</para>
/// </summary>
/// <example><code>Get-ContainerProcess web</code><para>Lists the processes of the container web.</para></example>
/// <example><code>Get-Container | Get-ContainerProcess | Where-Object Command -like '*nginx*'</code><para>Finds the nginx processes of every running container.</para></example>
/// <example><code>(Get-ContainerProcess web -PsArgs '-o pid,rss,comm').Columns</code><para>Asks ps for other columns; each process's Columns holds them by title.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerProcess", DefaultParameterSetName = ByName)]
[OutputType(typeof(ContainerProcess))]
public sealed class GetContainerProcessCommand : ContainerCmdlet
{
    /// <summary>Options for ps on the engine's host (docker top's arguments); the default is -ef.</summary>
    [Parameter]
    public string? PsArgs { get; set; }

    protected override void ProcessRecord() => ForEachContainer("Get processes", container =>
    {
        var top = Run(cancel => Client.GetContainerProcessesAsync(container, PsArgs, cancel));
        // The name, whichever way the container was selected (the pipeline gives IDs).
        var name = Run(cancel => Client.InspectContainerAsync(container, cancel)).Name.TrimStart('/');
        foreach (var row in top.Processes) WriteObject(ContainerProcess.FromRow(name, top.Titles, row));
    });
}
