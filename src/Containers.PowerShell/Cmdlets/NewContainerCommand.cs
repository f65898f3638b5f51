using System.Collections;
using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Creates a container from an image, like <c>docker create</c>.</para>
/// <para type="description">The engine's warnings (settings it cannot honour fully) are written as PowerShell warnings.</para>
/// </summary>
/// <example><code>New-Container busybox -Name web -- httpd -f -p 8080</code><para>Creates a container named web that runs busybox's httpd; '--' ends PowerShell's parameters so -f and -p go to the command.</para></example>
/// <example><code>New-Container alpine -Environment @{ MODE = 'test' } -Memory 256MB -Cpus 0.5 -Label @{ team = 'qa' } -- sh -c 'echo $MODE'</code><para>Creates a container with an environment variable, a 256 MiB memory limit, half a CPU and a label.</para></example>
/// <example><code>New-Container busybox -Name shell -Tty -Interactive sh</code><para>Creates a container with a terminal and open standard input, for an interactive shell.</para></example>
[Cmdlet(VerbsCommon.New, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class NewContainerCommand : ContainersCmdlet
{
    /// <summary>The image to run: name, repository:tag or ID. It must already be pulled (Invoke-ImagePull).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Image { get; set; } = "";

    /// <summary>The command and its arguments (replaces the image's CMD).</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[]? Command { get; set; }

    /// <summary>The container's name; the engine makes one up when it is not given.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>Replaces the image's ENTRYPOINT (the program that runs the command).</summary>
    [Parameter]
    public string[]? Entrypoint { get; set; }

    /// <summary>Environment variables, e.g. @{ MODE = 'test' }.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>The directory the command starts in, inside the container.</summary>
    [Parameter]
    public string? WorkingDirectory { get; set; }

    /// <summary>user, uid, user:group or uid:gid.</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Memory limit in bytes (PowerShell's 256MB works).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Memory { get; set; }

    /// <summary>CPUs, e.g. 1.5.</summary>
    [Parameter]
    [ValidateRange(0.0, 1024.0)]
    public double Cpus { get; set; }

    /// <summary>Labels to set, e.g. @{ team = 'qa' }; Get-Container -Label finds them.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Give the container a terminal (one output stream).</summary>
    [Parameter]
    public SwitchParameter Tty { get; set; }

    /// <summary>Keep the container's standard input open.</summary>
    [Parameter]
    public SwitchParameter Interactive { get; set; }

    /// <summary>no, always, unless-stopped, on-failure or on-failure:N.</summary>
    [Parameter]
    [ValidatePattern("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")]
    public string? RestartPolicy { get; set; }

    /// <summary>Remove the container when it exits.</summary>
    [Parameter]
    public SwitchParameter AutoRemove { get; set; }

    /// <summary>Mount the container's root filesystem read-only.</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    /// <summary>Linux capabilities to add, e.g. NET_ADMIN.</summary>
    [Parameter]
    public string[]? CapabilityAdd { get; set; }

    /// <summary>Linux capabilities to drop, e.g. CHOWN, or ALL.</summary>
    [Parameter]
    public string[]? CapabilityDrop { get; set; }

    /// <summary>none, host, or (the default) a private network namespace.</summary>
    [Parameter]
    public string? NetworkMode { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Image, "Create container" + (Name is null ? "" : $" {Name}"))) return;
        var restart = RestartPolicy?.Split(':');
        var request = new ContainerCreateRequest
        {
            Image = Image,
            Cmd = Command is { Length: > 0 } ? [.. Command] : null,
            Entrypoint = Entrypoint is null ? null : [.. Entrypoint],
            Env = Environment?.Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}").ToList(),
            WorkingDir = WorkingDirectory,
            User = User,
            Labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? ""),
            Tty = Tty,
            OpenStdin = Interactive,
            AttachStdin = Interactive,
            HostConfig = new HostConfig
            {
                Memory = Memory,
                NanoCpus = (long)(Cpus * 1_000_000_000),
                RestartPolicy = new Api.RestartPolicy { Name = restart?[0] ?? "", MaximumRetryCount = restart is [_, var n] ? int.Parse(n) : 0 },
                AutoRemove = AutoRemove,
                ReadonlyRootfs = ReadOnly,
                CapAdd = CapabilityAdd is null ? null : [.. CapabilityAdd],
                CapDrop = CapabilityDrop is null ? null : [.. CapabilityDrop],
                NetworkMode = NetworkMode ?? "",
            },
        };
        ForItem(Image, () =>
        {
            var created = Run(cancel => Client.CreateContainerAsync(request, Name, cancel));
            foreach (var warning in created.Warnings) WriteWarning(warning);
            var filters = new Dictionary<string, string[]> { ["id"] = [created.Id] };
            WriteObject(Run(cancel => Client.ListContainersAsync(true, filters, cancel)).Single());
        });
    }
}
