namespace Containers.PowerShell.Formatting;

/// <summary>
/// Text the format views show as docker's CLI does, called from Containers.types.ps1xml (RunningFor, CreatedSince) and
/// Containers.format.ps1xml (docker stats' sizes).
/// </summary>
public static class DisplayText
{
    /// <summary>"5 minutes ago": docker ps's CREATED and docker images' CREATED column.</summary>
    public static string Ago(DateTimeOffset time) => HumanDuration(DateTimeOffset.UtcNow - time) + " ago";

    /// <inheritdoc cref="Ago(DateTimeOffset)"/>
    public static string Ago(long unixSeconds) => Ago(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    /// <summary>A duration in docker's words (go-units HumanDuration): "Less than a second", "About a minute", "3 weeks".</summary>
    public static string HumanDuration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        var minutes = (long)duration.TotalMinutes;
        var hours = (long)(duration.TotalHours + 0.5);
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ when minutes == 1 => "About a minute",
            _ when minutes < 60 => $"{minutes} minutes",
            _ when hours == 1 => "About an hour",
            _ when hours < 48 => $"{hours} hours",
            _ when hours < 24 * 7 * 2 => $"{hours / 24} days",
            _ when hours < 24 * 30 * 2 => $"{hours / 24 / 7} weeks",
            _ when hours < 24 * 365 * 2 => $"{hours / 24 / 30} months",
            _ => $"{hours / 24 / 365} years",
        };
    }

    /// <summary>The 12-hex-digit ID docker shows, without sha256:.</summary>
    public static string ShortId(string id) => Completion.EngineCompleter.ShortId(id);

    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>"1.508MiB": go-units BytesSize, docker stats' MEM USAGE / LIMIT.</summary>
    public static string BinarySize(double bytes) => Size(bytes, 1024, BinaryUnits, "G4");

    /// <summary>"1.23kB": go-units HumanSizeWithPrecision(3), docker stats' NET I/O and BLOCK I/O.</summary>
    public static string DecimalSize(double bytes) => Size(bytes, 1000, DecimalUnits, "G3");

    private static string Size(double bytes, double unitBase, string[] units, string format)
    {
        int unit = 0;
        while (bytes >= unitBase && unit < units.Length - 1)
        {
            bytes /= unitBase;
            unit++;
        }
        return bytes.ToString(format, System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }
}
