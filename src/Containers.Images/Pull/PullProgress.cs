using System.Text.Json;

namespace Containers.Images.Pull;

/// <summary>
/// One progress message of a pull, shaped like Docker's JSON stream ({"status","id","progressDetail"}),
/// so POST /images/create can forward it and `docker pull` draws its per-layer bars.
/// </summary>
public sealed record PullProgress(string? Id, string Status, long? Current = null, long? Total = null)
{
    public const string PullingFsLayer = "Pulling fs layer";
    public const string Waiting = "Waiting";
    public const string Downloading = "Downloading";
    public const string VerifyingChecksum = "Verifying Checksum";
    public const string DownloadComplete = "Download complete";
    public const string Extracting = "Extracting";
    public const string PullComplete = "Pull complete";
    public const string AlreadyExists = "Already exists";

    // Plain '>' in progress bars; any JSON decoder (Go's included) reads both this and \u003e the same.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One line of Docker's JSON message stream (without the trailing newline).</summary>
    public string ToDockerJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("status", Status);
            if (Current is not null || Status is PullingFsLayer or Waiting or VerifyingChecksum or DownloadComplete or PullComplete or AlreadyExists)
            {
                w.WriteStartObject("progressDetail");
                if (Current is long c) w.WriteNumber("current", c);
                if (Total is long t && t > 0) w.WriteNumber("total", t);
                w.WriteEndObject();
            }
            if (Current is long cur && Total is long tot && tot > 0) w.WriteString("progress", Bar(cur, tot));
            if (Id is not null) w.WriteString("id", Id);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Docker's JSONProgress bar: 50 cells, "=" per 2 %, then "%8v/%v" sizes.</summary>
    private static string Bar(long current, long total)
    {
        int percent = (int)Math.Clamp(current * 100 / total / 2, 0, 50);
        return $"[{new string('=', percent)}>{new string(' ', 50 - percent)}] {HumanSize(current),8}/{HumanSize(total)}";
    }

    /// <summary>Decimal units with 3 significant digits, like Docker's units.HumanSize.</summary>
    public static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < units.Length - 1) { v /= 1000; i++; }
        return v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) + units[i];
    }
}
