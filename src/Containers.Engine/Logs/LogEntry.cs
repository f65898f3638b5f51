using System.Globalization;
using Containers.Engine.Errors;

namespace Containers.Engine.Logs;

/// <summary>Which output stream an entry came from; the values are those of Docker's stream frame header.</summary>
public enum LogSource : byte { Stdout = 1, Stderr = 2 }

/// <summary>
/// One entry of a container's json-file log: the raw output bytes (a whole line with its "\n", or a partial line),
/// where they came from and when. <see cref="TimeText"/> keeps the nanoseconds the log recorded, for <c>timestamps</c>.
/// </summary>
public sealed record LogEntry(LogSource Source, byte[] Bytes, DateTime Time, string TimeText)
{
    public bool EndsLine => Bytes.Length > 0 && Bytes[^1] == (byte)'\n';

    /// <summary>The timestamp as Docker prefixes it (RFC 3339 with exactly nine fraction digits, UTC).</summary>
    public string Timestamp => TimeText.Length == 30 && TimeText[^1] == 'Z' ? TimeText
        : Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";
}

/// <summary>
/// What to read, as <c>GET /containers/{id}/logs</c> asks: streams, a time window, the last <see cref="Tail"/> lines
/// (null: all), and whether to keep following the log until the container stops.
/// </summary>
public sealed record LogReadOptions
{
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;
    public DateTime? Since { get; init; }
    public DateTime? Until { get; init; }
    public int? Tail { get; init; }
    public bool Follow { get; init; }

    public bool Wants(LogSource source) => source == LogSource.Stdout ? Stdout : Stderr;

    /// <summary>Docker's <c>tail</c>: a number of lines, anything else (<c>all</c>, a negative or bad number) is everything.</summary>
    public static int? ParseTail(string? text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;

    /// <summary>
    /// <c>since</c>/<c>until</c>: Unix seconds with an optional fraction (<c>1733390000.123456789</c>, what the docker CLI
    /// sends), or an RFC 3339 time; null when absent or zero (Docker's "not set").
    /// </summary>
    public static DateTime? ParseTime(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text.Split('.', 2);
        if (long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            && (parts.Length == 1 || parts[1].Length is > 0 and <= 9 && parts[1].All(char.IsAsciiDigit)))
        {
            long ticks = parts.Length == 1 ? 0 : long.Parse(parts[1].PadRight(9, '0'), CultureInfo.InvariantCulture) / 100;
            if (seconds == 0 && ticks == 0) return null;
            return DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(seconds < 0 ? -ticks : ticks);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time.UtcDateTime;
        throw new InvalidParameterException($"invalid value for \"{name}\": failed to parse value as time or duration: \"{text}\"");
    }
}
