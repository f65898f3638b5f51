using System.Management.Automation;
using Containers.PowerShell.Terminal;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Opens an interactive terminal session with a running container in the current console, like <c>docker attach</c>.</para>
/// <para type="description">Attaches the console to the container's TTY (POST /containers/{id}/attach with stdin): every key goes
/// to the container (Ctrl+C too), its output is shown as it comes, and the container's terminal takes the console
/// window's size and follows it when the window is resized. Type Ctrl+P Ctrl+Q (or the -DetachKeys) to detach: the
/// session ends and the container goes on running. The session also ends when the container's process exits. The
/// container must have been created with -Tty -Interactive and be running. This attaches to the container's main
/// process, as docker attach does; a new shell in a running container (docker exec -it) needs the exec endpoint, which
/// the engine does not have yet. Needs a terminal: the console's stdin and stdout must not be redirected.</para>
/// </summary>
/// <example><code>New-Container busybox -Name box -Tty -Interactive -- sh | Start-Container; Enter-Container box</code><para>Starts a
/// shell in a container and works in it; Ctrl+P Ctrl+Q returns to PowerShell with the shell still running.</para></example>
/// <example><code>Get-Container -Name 'dev*' | Select-Object -First 1 | Enter-Container -DetachKeys 'ctrl-x'</code><para>Attaches to
/// the first container whose name starts with dev; Ctrl+X detaches.</para></example>
[Cmdlet(VerbsCommon.Enter, "Container", DefaultParameterSetName = ByName)]
[OutputType(typeof(void))]
public sealed class EnterContainerCommand : ContainerCmdlet
{
    /// <summary>The keys that detach, in Docker's syntax (comma-separated, e.g. 'ctrl-p,ctrl-q', the default).</summary>
    [Parameter]
    public string? DetachKeys { get; set; }

    protected override void ProcessRecord()
    {
        var containers = SelectedContainers().ToList();
        if (containers.Count > 1)
        {
            WriteError(new ErrorRecord(new ArgumentException($"Enter-Container attaches to one container; {containers.Count} were selected."),
                "OneContainerOnly", ErrorCategory.InvalidArgument, containers));
            return;
        }
        foreach (var container in containers)
        {
            ForItem(container, () =>
            {
                var inspect = Run(cancel => Client.InspectContainerAsync(container, cancel));
                string? problem = !inspect.Config.Tty || !inspect.Config.OpenStdin ? "was not created with -Tty -Interactive"
                    : !inspect.State.Running ? "is not running" : null;
                if (problem is not null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException($"Container {inspect.Name.TrimStart('/')} {problem}."),
                        "ContainerNotInteractive", ErrorCategory.InvalidOperation, container));
                    return;
                }
                if (!RawTerminal.IsAvailable)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException("Enter-Container needs a terminal: stdin and stdout must not be redirected."),
                        "NoTerminal", ErrorCategory.DeviceError, container));
                    return;
                }
                Run(cancel => TerminalSession.RunAsync(Client, inspect.Id, DetachKeys, cancel));
                WriteVerbose(Run(cancel => Client.InspectContainerAsync(inspect.Id, cancel)).State.Running
                    ? $"Detached from {inspect.Name.TrimStart('/')}; it is still running."
                    : $"{inspect.Name.TrimStart('/')} has exited.");
            });
        }
    }
}
