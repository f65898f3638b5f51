using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Starts containers, like <c>docker start</c>.</para>
/// <para type="description">Starts created or stopped containers selected by name (wildcards allowed), ID, or Container
/// objects from the pipeline (New-Container, Get-Container). Starting a container that is already running is not an
/// error: the cmdlet says so in a verbose message. Each failure is reported for its own container and the others are
/// still started.</para>
/// </summary>
/// <example><code>New-Container busybox -Name web -- sh -c 'while true; do sleep 1; done' | Start-Container</code><para>Creates a container and starts it.</para></example>
/// <example><code>Get-Container -All -Filter @{ status = 'exited' } | Start-Container -PassThru</code><para>Starts every exited container again and writes each one as it is now.</para></example>
/// <example><code>New-Container busybox -- sh -c 'echo hi; exit 3' | Start-Container -Attach; $LASTEXITCODE</code><para>Starts the container, writes hi, then 3, like docker start -a.</para></example>
[Cmdlet(VerbsLifecycle.Start, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class StartContainerCommand : ContainerActionCmdlet
{
    /// <summary>
    /// Attach to the container's output and wait for it to exit, like docker start -a: stdout lines are strings on the
    /// pipeline, stderr lines go to the information stream (tag 'stderr'), and the exit code is left in $LASTEXITCODE.
    /// </summary>
    [Parameter]
    public SwitchParameter Attach { get; set; }

    protected override void ProcessRecord() => ForEachContainerPassThru("Start container", container =>
    {
        if (Attach)
        {
            StartAttached(container);
            return;
        }
        if (!Run(cancel => Client.StartContainerAsync(container, cancel)))
            WriteVerbose($"Container {container} is already running.");
    });

    private void StartAttached(string container)
    {
        Run(async cancel =>
        {
            // Attached before the start, so the first line is not missed.
            await using var attachment = await Client.AttachContainerAsync(container, cancel: cancel);
            await Client.StartContainerAsync(container, cancel);
            await foreach (var line in attachment.ReadLinesAsync(cancel)) ContainerOutput.Write(this, line, asObject: false);
        });
        ContainerOutput.SetExitCode(this, Run(cancel => Client.WaitContainerAsync(container, "not-running", cancel)), container);
    }
}
