using System.Collections;
using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Creates a container from an image, like <c>docker create</c>.</para>
/// <para type="description">The engine's warnings (settings it cannot honour fully) are written as PowerShell warnings.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class NewContainerCommand : ContainersCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Image { get; set; } = "";

    /// <summary>The command and its arguments (replaces the image's CMD).</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[]? Command { get; set; }

    [Parameter]
    public string? Name { get; set; }

    [Parameter]
    public string[]? Entrypoint { get; set; }

    /// <summary>Environment variables, e.g. @{ MODE = 'test' }.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

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

    [Parameter]
    public Hashtable? Label { get; set; }

    [Parameter]
    public SwitchParameter Tty { get; set; }

    [Parameter]
    public SwitchParameter Interactive { get; set; }

    /// <summary>no, always, unless-stopped, on-failure or on-failure:N.</summary>
    [Parameter]
    [ValidatePattern("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")]
    public string? RestartPolicy { get; set; }

    [Parameter]
    public SwitchParameter AutoRemove { get; set; }

    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    [Parameter]
    public string[]? CapabilityAdd { get; set; }

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
