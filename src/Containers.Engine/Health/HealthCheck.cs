using Containers.Api;

namespace Containers.Engine.Health;

/// <summary>
/// A container's health check as the engine runs it (Docker's rules): the command (<c>CMD</c> runs its arguments,
/// <c>CMD-SHELL</c> runs one string with <c>/bin/sh -c</c>), its timings with Docker's defaults for zero values, and how
/// a probe's result moves the container's <c>State.Health</c>: exit 0 is healthy and clears the failing streak; any
/// other result adds to the streak, except while the container is still starting inside its start period, and
/// <see cref="Retries"/> failures in a row make it unhealthy. The last five results are kept.
/// </summary>
public sealed record HealthCheck(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, TimeSpan StartPeriod, TimeSpan StartInterval, int Retries)
{
    public const string Starting = "starting", Healthy = "healthy", Unhealthy = "unhealthy", None = "none";

    /// <summary>The values the <c>health</c> list filter accepts.</summary>
    public static readonly string[] Statuses = [Starting, Healthy, Unhealthy, None];

    private const int KeptResults = 5;

    /// <summary>The check a container's config asks for; null when it has none (no test, or <c>NONE</c>).</summary>
    public static HealthCheck? Of(HealthConfig? config)
    {
        if (config?.Test is not [var kind, .. var rest]) return null;
        IReadOnlyList<string>? command = kind switch
        {
            "CMD" when rest.Count > 0 => rest,
            "CMD-SHELL" when rest.Count > 0 => ["/bin/sh", "-c", string.Join(' ', rest)],
            _ => null,
        };
        if (command is null) return null;
        return new HealthCheck(command,
            Duration(config.Interval, TimeSpan.FromSeconds(30)), Duration(config.Timeout, TimeSpan.FromSeconds(30)),
            Duration(config.StartPeriod, TimeSpan.Zero), Duration(config.StartInterval, TimeSpan.FromSeconds(5)),
            config.Retries > 0 ? config.Retries : 3);
    }

    /// <summary>
    /// How long to wait before the next probe: the interval; while the container is starting and inside its start period,
    /// the start interval, but never past the end of the start period.
    /// </summary>
    public TimeSpan NextDelay(TimeSpan sinceStart, string status)
    {
        if (sinceStart >= StartPeriod) return Interval;
        var rest = StartPeriod - sinceStart;
        if (rest < Interval) return rest;
        return status == Starting ? StartInterval : Interval;
    }

    /// <summary>Records one probe's result in <paramref name="health"/>; returns the new status when it changed, else null.</summary>
    public string? Apply(Containers.Api.Health health, HealthcheckResult result, TimeSpan probeStartSinceStart)
    {
        var old = health.Status;
        health.Log.Add(result);
        if (health.Log.Count > KeptResults) health.Log.RemoveRange(0, health.Log.Count - KeptResults);
        if (result.ExitCode == 0)
        {
            health.FailingStreak = 0;
            health.Status = Healthy;
        }
        else if (!(health.Status == Starting && probeStartSinceStart < StartPeriod))
        {
            health.FailingStreak++;
            if (health.FailingStreak >= Retries) health.Status = Unhealthy;
        }
        return health.Status == old ? null : health.Status;
    }

    /// <summary>A duration as Go prints it (the form Docker's messages use): 30s, 500ms, 1m30s.</summary>
    public static string GoDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(1)) return $"{d.TotalMilliseconds:0.###}ms";
        var text = "";
        if (d.Hours + d.Days * 24 > 0) text += $"{(int)d.TotalHours}h";
        if (text.Length > 0 || d.Minutes > 0) text += $"{d.Minutes}m";
        var seconds = d.Seconds + d.Milliseconds / 1000.0;
        return text + $"{seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}s";
    }

    private static TimeSpan Duration(long nanoseconds, TimeSpan fallback) => nanoseconds > 0 ? TimeSpan.FromTicks(nanoseconds / 100) : fallback;
}
