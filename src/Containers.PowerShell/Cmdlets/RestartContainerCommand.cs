using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Restarts containers, like <c>docker restart</c>.</para>
/// <para type="description">Stops each selected container as Stop-Container does (its stop signal, then SIGKILL after
/// -Timeout seconds) and starts it again; a container that is not running is just started. Each failure is reported
/// for its own container and the others are still restarted.</para>
/// </summary>
/// <example><code>Restart-Container web -Timeout 2</code><para>Restarts the container web, giving it two seconds to exit.</para></example>
/// <example><code>Get-Container -Label tier=backend | Restart-Container -PassThru</code><para>Restarts every running container labelled tier=backend and writes each one as it is now.</para></example>
[Cmdlet(VerbsLifecycle.Restart, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Container))]
public sealed class RestartContainerCommand : ContainerActionCmdlet
{
    /// <summary>Seconds to wait for the container to exit before it is killed; the container's own stop timeout (10 by default) when not given.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Timeout { get; set; }

    protected override void ProcessRecord() => ForEachContainerPassThru("Restart container", container =>
        Run(cancel => Client.RestartContainerAsync(container, Timeout, cancel)));
}
