using System.Management.Automation;
using Containers.Client;
using Containers.PowerShell.Terminal;

namespace Containers.PowerShell.Cmdlets;

// Named Invoke-ContainerImage: "run" is not an approved verb, and Invoke is PowerShell's verb for running something to
// completion (Invoke-Command, Invoke-Expression, Invoke-WebRequest). What is run is an image (a new container from it
// each time), which distinguishes it from Start-Container (an existing container) and Invoke-ContainerCommand (exec in
// a running one). Microsoft's Docker-PowerShell module used the same name for docker run, so it is what users search for.

/// <summary>
/// <para type="synopsis">Runs a command in a new container from an image and returns its output, like <c>docker run</c>.</para>
/// <para type="description">Creates the container (every New-Container setting that is not about a terminal is here too),
/// attaches to its output (POST /containers/{id}/attach, so nothing is lost and it works whatever the log driver), starts
/// it and writes its output until it exits. Output is mapped as a native command's: stdout lines are strings on the
/// pipeline, stderr lines are shown on the console but not captured (information stream, tag 'stderr'); -AsObject writes
/// ContainerLogLine objects for both instead. When the container exits, its exit code is in $LASTEXITCODE, as after a
/// native command; with $PSNativeCommandUseErrorActionPreference set, a non-zero exit code is also an error
/// (ContainerExitedWithError). -Remove removes the container afterwards (also when the pipeline is stopped early: then it
/// is killed first). -Detach starts the container and returns it at once, like docker run -d. Ctrl+C stops waiting; the
/// container goes on running unless -Remove was given. -Interactive -Tty makes the console the container's terminal
/// (docker run -it) until it exits or Ctrl+P Ctrl+Q detaches.</para>
/// </summary>
/// <example><code>Invoke-ContainerImage busybox -Remove -- sh -c 'echo hello; exit 3'; $LASTEXITCODE</code><para>Writes
/// hello, then 3; the container is gone afterwards.</para></example>
/// <example><code>$files = Invoke-ContainerImage alpine:3.20 -Remove ls /etc</code><para>Captures the lines ls writes as
/// strings.</para></example>
/// <example><code>Invoke-ContainerImage nginx -Name web -Detach</code><para>Starts a container named web in the
/// background and returns it, as New-Container followed by Start-Container.</para></example>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(ContainerLogLine), typeof(Container))]
public sealed class InvokeContainerImageCommand : ContainerCreateCmdlet
{
    /// <summary>Remove the container once it has exited, like docker run --rm (with -Detach the engine removes it when it exits).</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    /// <summary>Start the container and return it without waiting for it, like docker run -d.</summary>
    [Parameter]
    public SwitchParameter Detach { get; set; }

    /// <summary>Give the container a terminal; its output is then a single stream (stdout).</summary>
    [Parameter]
    public SwitchParameter Tty { get; set; }

    /// <summary>
    /// Keep stdin open. With -Tty the console becomes the container's terminal until it exits or Ctrl+P Ctrl+Q detaches
    /// (docker run -it, see Enter-Container); with -Detach the container can be entered later (docker run -dit).
    /// </summary>
    [Parameter]
    public SwitchParameter Interactive { get; set; }

    /// <summary>Write ContainerLogLine objects (Stream, Line) for the lines of both streams instead of strings.</summary>
    [Parameter]
    public SwitchParameter AsObject { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Image, "Run container" + (Name is null ? "" : $" {Name}"))) return;
        if (Interactive && !Tty && !Detach)
        {
            WriteError(new ErrorRecord(new ArgumentException("-Interactive needs -Tty (a terminal session) or -Detach (to enter the container later)."),
                "InteractiveNeedsTty", ErrorCategory.InvalidArgument, Image));
            return;
        }
        if (Interactive && !Detach && !TerminalSession.Available(this, Image)) return;
        var request = BuildCreateRequest(Tty, openStdin: Interactive, autoRemove: Remove && Detach);
        ForItem(Image, () =>
        {
            var id = CreateContainer(request);
            bool finished = false, keep = Detach;
            try
            {
                if (Detach)
                {
                    Run(cancel => Client.StartContainerAsync(id, cancel));
                    WriteObject(Listed(id));
                    return;
                }
                if (Interactive)
                {
                    Run(cancel => TerminalSession.RunAsync(Client, id, null, cancel, attached: start => Client.StartContainerAsync(id, start)));
                    // Detached with Ctrl+P Ctrl+Q: the container goes on (and is kept even with -Remove), no exit code yet.
                    keep = Run(cancel => Client.InspectContainerAsync(id, cancel)).State.Running;
                    if (keep)
                    {
                        WriteVerbose($"Detached from {id[..12]}; it is still running.");
                        finished = true;
                        return;
                    }
                }
                else
                {
                    Run(async cancel =>
                    {
                        // Attached before the start, so the first line is not missed.
                        await using var attachment = await Client.AttachContainerAsync(id, cancel: cancel);
                        await Client.StartContainerAsync(id, cancel);
                        await foreach (var line in attachment.ReadLinesAsync(cancel)) ContainerOutput.Write(this, line, AsObject);
                    });
                }
                var exitCode = Run(cancel => Client.WaitContainerAsync(id, "not-running", cancel));
                ContainerOutput.SetExitCode(this, exitCode, id[..12]);
                finished = true;
            }
            finally
            {
                // Not through Run: when the pipeline is stopping, the cmdlet's token is cancelled already. A failed
                // removal is the error of this run unless another exception (the pipeline stopping) is on its way.
                try
                {
                    if (Remove && !keep) PipelineThread.Run(() => Client.RemoveContainerAsync(id, force: true, CancellationToken.None));
                }
                catch (ContainersEngineException) when (!finished)
                {
                }
            }
        });
    }
}
