using System.Management.Automation;
using Containers.Api;
using Containers.PowerShell.Base;
using Containers.PowerShell.Terminal;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Opens an interactive terminal session with a running container in the current console, like
/// <c>docker attach</c>, or with a new command in it (-Command), like <c>docker exec -it</c>.</para>
/// <para type="description">Attaches the console to the container's TTY (POST /containers/{id}/attach with stdin): every key goes
/// to the container (Ctrl+C too), its output is shown as it comes, and the container's terminal takes the console
/// window's size and follows it when the window is resized. Type Ctrl+P Ctrl+Q (or the -DetachKeys) to detach: the
/// session ends and the container goes on running. The session also ends when the container's process exits. The
/// container must have been created with -Tty -Interactive and be running. This attaches to the container's main
/// process, as docker attach does. With -Command, the session is with a new process instead (docker exec -it, as
/// Invoke-ContainerCommand -Interactive -Tty): any running container will do, the session ends when that command exits
/// and its exit code is then in $LASTEXITCODE; the detach keys leave it running. Needs a terminal: the console's stdin
/// and stdout must not be redirected.</para>
/// </summary>
/// <example><code>New-Container busybox -Name box -Tty -Interactive -- sh | Start-Container; Enter-Container box</code><para>Starts a
/// shell in a container and works in it; Ctrl+P Ctrl+Q returns to PowerShell with the shell still running.</para></example>
/// <example><code>Enter-Container web sh</code><para>Opens a new shell in the running container web, like docker exec -it web
/// sh; exit returns to PowerShell.</para></example>
/// <example><code>Get-Container -Name 'dev*' | Select-Object -First 1 | Enter-Container -DetachKeys 'ctrl-x'</code><para>Attaches to
/// the first container whose name starts with dev; Ctrl+X detaches.</para></example>
[Cmdlet(VerbsCommon.Enter, "Container", DefaultParameterSetName = ByName)]
[OutputType(typeof(void))]
public sealed class EnterContainerCommand : ContainerCmdlet
{
    /// <summary>The keys that detach, in Docker's syntax (comma-separated, e.g. 'ctrl-p,ctrl-q', the default).</summary>
    [Parameter]
    public string? DetachKeys { get; set; }

    /// <summary>A command to run in the container with a terminal (docker exec -it), e.g. sh, instead of attaching to its main process.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[]? Command { get; set; }

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
                if (Command is { Length: > 0 })
                {
                    if (!TerminalSession.Available(this, container)) return;
                    var request = new ExecCreateRequest { Cmd = [.. Command], DetachKeys = DetachKeys ?? "" };
                    ContainerOutput.SetExitCode(this, Run(cancel => TerminalSession.RunExecAsync(Client, container, request, cancel)), container);
                    return;
                }
                var inspect = Run(cancel => Client.InspectContainerAsync(container, cancel));
                string? problem = !inspect.Config.Tty || !inspect.Config.OpenStdin ? "was not created with -Tty -Interactive"
                    : !inspect.State.Running ? "is not running" : null;
                if (problem is not null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException($"Container {inspect.Name.TrimStart('/')} {problem}."),
                        "ContainerNotInteractive", ErrorCategory.InvalidOperation, container));
                    return;
                }
                if (!TerminalSession.Available(this, container)) return;
                Run(cancel => TerminalSession.RunAsync(Client, inspect.Id, DetachKeys, cancel));
                WriteVerbose(Run(cancel => Client.InspectContainerAsync(inspect.Id, cancel)).State.Running
                    ? $"Detached from {inspect.Name.TrimStart('/')}; it is still running."
                    : $"{inspect.Name.TrimStart('/')} has exited.");
            });
        }
    }
}
