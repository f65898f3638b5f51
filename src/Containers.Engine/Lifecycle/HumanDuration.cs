namespace Containers.Engine.Lifecycle;

/// <summary>Docker's wording of elapsed time in <c>docker ps</c>: "Less than a second", "About a minute", "3 hours"...</summary>
public static class HumanDuration
{
    public static string Of(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        var minutes = (long)d.TotalMinutes;
        var hours = (long)Math.Round(d.TotalHours, MidpointRounding.AwayFromZero);
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{hours / 24 / 365} years";
    }
}
