using System.Globalization;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// A container's log driver settings as Docker's json-file driver reads them: <c>max-size</c> (Docker's sizes:
/// 100, 10k, 10m, 1g; binary multiples) and <c>max-file</c> (files kept, default 1). Anything else is refused with
/// dockerd's message rather than ignored.
/// </summary>
public sealed record LogOptions(string Driver, long MaxSize, int MaxFile)
{
    public static LogOptions Parse(LogConfig config)
    {
        var driver = config.Type is "" ? "json-file" : config.Type;
        long maxSize = 0;
        int maxFile = 1;
        foreach (var (key, value) in config.Config)
        {
            switch (key)
            {
                case "max-size" when driver == "json-file":
                    maxSize = ParseSize(value) is > 0 and var s ? s : throw new InvalidParameterException($"invalid value for log-opt max-size: {value}");
                    break;
                case "max-file" when driver == "json-file":
                    maxFile = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                        : throw new InvalidParameterException($"invalid value for log-opt max-file: {value}: max-file must be at least 1");
                    break;
                default:
                    throw new InvalidParameterException($"unknown log opt '{key}' for {driver} log driver");
            }
        }
        if (maxFile > 1 && maxSize == 0) throw new InvalidParameterException("max-file can only be used together with max-size");
        return new LogOptions(driver, maxSize, maxFile);
    }

    /// <summary>Docker's RAMInBytes: a number with an optional k, m, g or t suffix (optionally followed by b), powers of 1024.</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ib")) t = t[..^2];
        else if (t.EndsWith('b')) t = t[..^1];
        var shift = t.Length > 0 ? t[^1] switch { 'k' => 10, 'm' => 20, 'g' => 30, 't' => 40, _ => 0 } : 0;
        if (shift > 0) t = t[..^1];
        return decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? (long)(number * (1L << shift))
            : -1;
    }
}
