using Containers.Api;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// A container's state as Docker names it (<c>created</c>, <c>running</c>, <c>paused</c>, <c>restarting</c>,
/// <c>removing</c>, <c>exited</c>, <c>dead</c>) with the questions the engine asks of it, so no caller compares strings.
/// </summary>
public readonly record struct ContainerStatus
{
    public static readonly ContainerStatus Created = new("created");
    public static readonly ContainerStatus Running = new("running");
    public static readonly ContainerStatus Paused = new("paused");
    public static readonly ContainerStatus Restarting = new("restarting");
    public static readonly ContainerStatus Removing = new("removing");
    public static readonly ContainerStatus Exited = new("exited");
    public static readonly ContainerStatus Dead = new("dead");

    /// <summary>Every status, in Docker's order (the values the <c>status</c> filter accepts).</summary>
    public static readonly IReadOnlyList<ContainerStatus> All = [Created, Restarting, Running, Removing, Paused, Exited, Dead];

    private ContainerStatus(string name) => Name = name;

    /// <summary>The Docker status string (<c>State.Status</c>, the <c>State</c> column of the list).</summary>
    public string Name { get; }

    /// <summary>The status a record's state is in (unknown text counts as created, Docker's zero state).</summary>
    public static ContainerStatus Of(ContainerState state) => TryParse(state.Status, out var status) ? status : Created;

    public static bool TryParse(string text, out ContainerStatus status)
    {
        foreach (var s in All)
            if (s.Name == text)
            {
                status = s;
                return true;
            }
        status = default;
        return false;
    }

    /// <summary>Has a live process: running, paused or restarting (what <c>docker ps</c> without <c>-a</c> shows).</summary>
    public bool IsRunning => this == Running || this == Paused || this == Restarting;

    /// <summary>Can be removed without force: nothing runs in it.</summary>
    public bool CanRemove => !IsRunning;

    /// <summary>Finished or never started: what container prune removes.</summary>
    public bool IsStopped => this == Created || this == Exited || this == Dead;

    /// <summary>
    /// "Up 5 minutes", "Up 3 seconds (health: starting)", "Up 2 hours (Paused)", "Exited (137) 3 seconds ago", "Created",
    /// as <c>docker ps</c> shows.
    /// </summary>
    public string StatusText(ContainerState state, DateTimeOffset now) => Name switch
    {
        "running" => "Up " + HumanDuration.Of(now - Time(state.StartedAt)) + state.Health?.Status switch
        {
            null => "",
            "starting" => " (health: starting)",
            var health => $" ({health})",
        },
        "paused" => "Up " + HumanDuration.Of(now - Time(state.StartedAt)) + " (Paused)",
        "restarting" => $"Restarting ({state.ExitCode}) {HumanDuration.Of(now - Time(state.FinishedAt))} ago",
        "exited" => $"Exited ({state.ExitCode}) {HumanDuration.Of(now - Time(state.FinishedAt))} ago",
        "removing" => "Removal In Progress",
        "dead" => "Dead",
        _ => "Created",
    };

    public override string ToString() => Name;

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t : DateTimeOffset.UnixEpoch;
}
