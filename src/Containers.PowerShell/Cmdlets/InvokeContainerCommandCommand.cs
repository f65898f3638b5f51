using System.Collections;
using System.Management.Automation;
using Containers.Api;
using Containers.Client;
using Containers.PowerShell.Base;
using Containers.PowerShell.Terminal;

namespace Containers.PowerShell.Cmdlets;

// Invoke, as Invoke-Command runs a command in a remote session and returns its output; Invoke-ContainerImage is the
// same for a new container from an image. The interactive form (docker exec -it) is here too for docker users, and as
// Enter-Container -Command for PowerShell users, who enter a session with Enter-*: both run the same TTY session.

/// <summary>
/// <para type="synopsis">Runs a command in a running container and returns its output, like <c>docker exec</c>.</para>
/// <para type="description">Creates an exec instance in each selected container (POST /containers/{id}/exec), starts it
/// attached and writes its output until the command ends. Output is mapped as a native command's, as by
/// Invoke-ContainerImage: stdout lines are strings on the pipeline, stderr lines are shown on the console but not captured
/// (information stream, tag 'stderr'); -AsObject writes ContainerLogLine objects for both instead. When the command ends,
/// its exit code is in $LASTEXITCODE; with $PSNativeCommandUseErrorActionPreference set, a non-zero exit code is also an
/// error (ContainerExitedWithError). The command runs with the container's environment, working directory and user
/// unless -Environment, -WorkingDirectory or -User say otherwise. -Detach starts the command and returns at once
/// (docker exec -d); -PassThru then writes the exec instance's ID. -Interactive -Tty makes the console the command's
/// terminal (docker exec -it, as Enter-Container -Command does) until it exits. A container that is not running is an
/// error for that container (ContainerConflict, InvalidOperation), with the engine's message.</para>
/// </summary>
/// <example><code>Invoke-ContainerCommand web -- sh -c 'echo hi; exit 3'; $LASTEXITCODE</code><para>Writes hi, then 3.</para></example>
/// <example><code>$conf = Invoke-ContainerCommand web cat /etc/nginx/nginx.conf</code><para>Captures the lines of a file in the container as strings.</para></example>
/// <example><code>Get-Container -Name 'web*' | Invoke-ContainerCommand -Command hostname</code><para>Runs hostname in every
/// running container whose name starts with web.</para></example>
/// <example><code>Invoke-ContainerCommand web -Environment @{ MODE = 'debug' } -WorkingDirectory /tmp -User nobody -- sh -c 'echo $MODE; pwd; id -u'</code>
/// <para>Runs a command with its own environment variable, working directory and user.</para></example>
/// <example><code>Invoke-ContainerCommand web -Detach -- sh -c 'sleep 60 &amp;&amp; touch /tmp/done'</code><para>Starts a
/// background command in the container and returns at once.</para></example>
/// <example><code>Invoke-ContainerCommand web -Interactive -Tty sh</code><para>Opens a shell in the container in the console, like docker exec -it web sh.</para></example>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerCommand", DefaultParameterSetName = ByName)]
[OutputType(typeof(string), typeof(ContainerLogLine))]
public sealed class InvokeContainerCommandCommand : ContainerCmdlet
{
    /// <summary>The command and its arguments; put -- before it when an argument starts with a dash.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromRemainingArguments = true)]
    public string[] Command { get; set; } = [];

    /// <summary>Environment variables for the command: a hashtable (@{ MODE = 'test' }) or 'NAME=value' strings.</summary>
    [Parameter]
    public object[]? Environment { get; set; }

    /// <summary>The command's working directory inside the container.</summary>
    [Parameter]
    public string? WorkingDirectory { get; set; }

    /// <summary>user, uid, user:group or uid:gid to run the command as.</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Give the command extended privileges (all capabilities), like docker exec --privileged.</summary>
    [Parameter]
    public SwitchParameter Privileged { get; set; }

    /// <summary>Start the command and return without waiting for it, like docker exec -d.</summary>
    [Parameter]
    public SwitchParameter Detach { get; set; }

    /// <summary>With -Detach, write the exec instance's ID.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Give the command a terminal; its output is then a single stream (stdout).</summary>
    [Parameter]
    public SwitchParameter Tty { get; set; }

    /// <summary>With -Tty, make the console the command's terminal until it exits (docker exec -it).</summary>
    [Parameter]
    public SwitchParameter Interactive { get; set; }

    /// <summary>Write ContainerLogLine objects (Stream, Line) for the lines of both streams instead of strings.</summary>
    [Parameter]
    public SwitchParameter AsObject { get; set; }

    protected override void ProcessRecord()
    {
        if (Interactive)
        {
            RunInteractive();
            return;
        }
        ForEachContainer("Run command", container =>
        {
            var exec = Run(cancel => Client.CreateExecAsync(container, BuildRequest(), cancel));
            if (Detach)
            {
                Run(cancel => Client.StartExecDetachedAsync(exec, cancel));
                if (PassThru) WriteObject(exec);
                return;
            }
            Run(async cancel =>
            {
                await using var attachment = await Client.StartExecAsync(exec, Tty, cancel);
                await foreach (var line in attachment.ReadLinesAsync(cancel)) ContainerOutput.Write(this, line, AsObject);
            });
            ContainerOutput.SetExitCode(this, Run(cancel => ContainerOutput.EndedExecAsync(Client, exec, null, cancel)), container);
        });
    }

    private void RunInteractive()
    {
        string? problem = !Tty ? "-Interactive needs -Tty: the console becomes the command's terminal."
            : Detach ? "-Interactive -Tty runs in the console; it cannot be combined with -Detach." : null;
        if (problem is not null)
        {
            WriteError(new ErrorRecord(new ArgumentException(problem), "InteractiveNeedsTty", ErrorCategory.InvalidArgument, Command));
            return;
        }
        if (SingleContainer() is not { } container) return;
        ForItem(container, () =>
        {
            if (!TerminalSession.Available(this, container)) return;
            ContainerOutput.SetExitCode(this, Run(cancel => TerminalSession.RunExecAsync(Client, container, BuildRequest(), cancel)), container);
        });
    }

    private ExecCreateRequest BuildRequest() => new()
    {
        Cmd = [.. Command],
        Env = EnvironmentStrings(),
        WorkingDir = WorkingDirectory ?? "",
        User = User ?? "",
        Privileged = Privileged,
        Tty = Tty,
        AttachStdin = Interactive,
        AttachStdout = !Detach,
        AttachStderr = !Detach,
        Detach = Detach,
    };

    /// <summary>-Environment as NAME=value strings: hashtables give their entries, strings are taken as they are.</summary>
    private List<string>? EnvironmentStrings() => Environment?.SelectMany(item => (item is PSObject ps ? ps.BaseObject : item) switch
    {
        IDictionary table => table.Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}"),
        var other => [other?.ToString() ?? ""],
    }).ToList();
}
