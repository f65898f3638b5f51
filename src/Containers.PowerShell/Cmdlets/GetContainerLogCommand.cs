using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the output a container has written, like <c>docker logs</c>; -Follow streams it as it comes.</para>
/// <para type="description">Reads the container's log (GET /containers/{id}/logs). By default each stdout line is a string on
/// the pipeline and each stderr line is shown on the console without entering the pipeline, as a native command's stderr
/// is (it goes to the information stream tagged 'stderr', so -InformationVariable or 6>&amp;1 captures it). -AsObject writes
/// every line of both streams as a ContainerLogLine object with Stream (Stdout or Stderr), Timestamp and Line instead.
/// -Follow keeps reading until the container stops or the pipeline ends (Ctrl+C, or Select-Object -First has what it
/// wants); the request to the engine is cancelled then. A container with a TTY has one stream, written as stdout.
/// Several containers are read one after the other.</para>
/// </summary>
/// <example><code>Get-ContainerLog web -Tail 20</code><para>Shows the last 20 lines web has written.</para></example>
/// <example><code>Get-ContainerLog web -Follow | Select-Object -First 3</code><para>Waits for the first three lines of
/// stdout and returns as soon as they are there.</para></example>
/// <example><code>Get-ContainerLog web -AsObject -Since (Get-Date).AddMinutes(-5) | Where-Object Stream -eq Stderr</code><para>The
/// stderr lines of the last five minutes, with their timestamps.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerLog", DefaultParameterSetName = ByName)]
[OutputType(typeof(string), typeof(ContainerLogLine))]
public sealed class GetContainerLogCommand : ContainerCmdlet
{
    /// <summary>Keep writing new lines as the container writes them, until it stops (or Ctrl+C).</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <summary>Only the last N lines of the log (then, with -Follow, the new ones).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; } = -1;

    /// <summary>Only lines logged at or after this time.</summary>
    [Parameter]
    public DateTime Since { get; set; }

    /// <summary>Only lines logged before this time.</summary>
    [Parameter]
    public DateTime Until { get; set; }

    /// <summary>Put the time the engine logged each line in front of it (RFC 3339, UTC), as docker logs -t.</summary>
    [Parameter]
    public SwitchParameter Timestamps { get; set; }

    /// <summary>Which of the container's streams to read: All (the default), Stdout or Stderr.</summary>
    [Parameter]
    [ValidateSet("All", "Stdout", "Stderr")]
    public string Stream { get; set; } = "All";

    /// <summary>Write ContainerLogLine objects (Stream, Timestamp, Line) for the lines of both streams instead of strings.</summary>
    [Parameter]
    public SwitchParameter AsObject { get; set; }

    protected override void ProcessRecord()
    {
        bool stdout = Stream is "All" or "Stdout", stderr = Stream is "All" or "Stderr";
        int? tail = Tail >= 0 ? Tail : null;
        DateTimeOffset? since = MyInvocation.BoundParameters.ContainsKey(nameof(Since)) ? new DateTimeOffset(Since) : null;
        DateTimeOffset? until = MyInvocation.BoundParameters.ContainsKey(nameof(Until)) ? new DateTimeOffset(Until) : null;
        foreach (var container in SelectedContainers())
        {
            ForItem(container, () => Run(async cancel =>
            {
                // Objects always carry the time; strings show it with -Timestamps only.
                await foreach (var line in Client.GetContainerLogsAsync(container, stdout, stderr, tail, Timestamps || AsObject, Follow, since, until, cancel))
                    ContainerOutput.Write(this, line, AsObject);
            }));
        }
    }
}
