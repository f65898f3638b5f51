using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Containers.Shared;

namespace Containers.Client;

/// <summary>Which output stream a log line came from.</summary>
public enum ContainerLogStream { Stdout, Stderr }

/// <summary>
/// One line of a container's output, without its newline (the last one may be a line the container has not ended).
/// <see cref="Timestamp"/> is when the engine logged the line's first piece, when timestamps were asked for.
/// </summary>
public sealed record ContainerLogLine(ContainerLogStream Stream, string Line)
{
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The line as <c>docker logs</c> prints it, with <c>-t</c> the timestamp first.</summary>
    public override string ToString() =>
        Timestamp is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " + Line : Line;
}

/// <summary>Container logs, demultiplexed into lines.</summary>
public sealed partial class ContainersClient
{
    /// <summary>
    /// <c>docker logs</c>: the container's output as lines per stream; <paramref name="tail"/> is a number of lines or
    /// null for all; with <paramref name="follow"/> the sequence goes on until the container stops. A TTY container's
    /// output has one stream (stdout). With <paramref name="timestamps"/> each line carries the engine's time of it in
    /// <see cref="ContainerLogLine.Timestamp"/> (the text stays without it); <paramref name="since"/> and
    /// <paramref name="until"/> bound the lines by that time.
    /// </summary>
    public async IAsyncEnumerable<ContainerLogLine> GetContainerLogsAsync(string idOrName, bool stdout = true, bool stderr = true,
        int? tail = null, bool timestamps = false, bool follow = false, DateTimeOffset? since = null, DateTimeOffset? until = null,
        [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var query = $"stdout={(stdout ? 1 : 0)}&stderr={(stderr ? 1 : 0)}&tail={(tail?.ToString(CultureInfo.InvariantCulture) ?? "all")}&timestamps={(timestamps ? 1 : 0)}&follow={(follow ? 1 : 0)}";
        if (since is { } from) query += "&since=" + Timestamp(from);
        if (until is { } to) query += "&until=" + Timestamp(to);
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(idOrName)}/logs?{query}", null, cancel,
            HttpCompletionOption.ResponseHeadersRead);
        var multiplexed = response.Content.Headers.ContentType?.MediaType == StreamFraming.MultiplexedMediaType;
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        await foreach (var line in ReadLinesAsync(body, multiplexed, timestamps, cancel)) yield return line;
    }

    /// <summary>
    /// Splits a container's output stream (Docker's multiplexed framing, or the raw bytes of a TTY container) into lines
    /// per stream. With timestamps the engine puts "RFC3339Nano " before every piece it logged: in a multiplexed stream
    /// each frame is one such piece, so the prefix is taken off every frame; a raw stream has no frames, so it is taken
    /// off at the start of each line only. A TTY's "\r\n" line ends lose their "\r" too.
    /// </summary>
    internal static async IAsyncEnumerable<ContainerLogLine> ReadLinesAsync(Stream body, bool multiplexed, bool timestamps,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        var pending = new[] { new LinePending(), new LinePending() };
        var buffer = new byte[16 * 1024];
        while (true)
        {
            ContainerLogStream stream;
            ReadOnlyMemory<byte> chunk;
            DateTimeOffset? frameTime = null;
            if (multiplexed)
            {
                if (await StreamFraming.ReadFrameAsync(body, cancel) is not { } frame) break;
                stream = frame.Stream == StdStream.Stderr ? ContainerLogStream.Stderr : ContainerLogStream.Stdout;
                chunk = frame.Payload;
                if (timestamps) (frameTime, chunk) = SplitTimestamp(chunk);
            }
            else
            {
                int n = await body.ReadAsync(buffer, cancel);
                if (n == 0) break;
                stream = ContainerLogStream.Stdout;
                chunk = buffer.AsMemory(0, n);
            }
            var held = pending[(int)stream];
            foreach (var b in chunk.ToArray())
            {
                if (!held.Started)
                {
                    held.Started = true;
                    held.Time = frameTime;
                    held.ReadingTime = timestamps && !multiplexed;
                }
                if (held.ReadingTime)
                {
                    if (b == ' ')
                    {
                        held.ReadingTime = false;
                        held.Time = ParseTimestamp(Encoding.ASCII.GetString([.. held.Bytes]));
                        held.Bytes.Clear();
                        continue;
                    }
                    if (b != '\n')
                    {
                        held.Bytes.Add(b);
                        continue;
                    }
                    held.ReadingTime = false; // a line without the prefix: keep what was read as its text
                }
                if (b != '\n')
                {
                    held.Bytes.Add(b);
                    continue;
                }
                if (!multiplexed && held.Bytes.Count > 0 && held.Bytes[^1] == '\r') held.Bytes.RemoveAt(held.Bytes.Count - 1);
                yield return held.Take(stream);
            }
        }
        for (int i = 0; i < 2; i++)
            if (pending[i].Bytes.Count > 0) yield return pending[i].Take((ContainerLogStream)i);
    }

    private static (DateTimeOffset?, ReadOnlyMemory<byte>) SplitTimestamp(ReadOnlyMemory<byte> payload)
    {
        int space = payload.Span.IndexOf((byte)' ');
        if (space < 0) return (null, payload);
        return (ParseTimestamp(Encoding.ASCII.GetString(payload.Span[..space])), payload[(space + 1)..]);
    }

    /// <summary>RFC 3339 with up to nine fraction digits (DateTimeOffset keeps seven); null when it is not a time.</summary>
    private static DateTimeOffset? ParseTimestamp(string text)
    {
        int dot = text.IndexOf('.');
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = text[..(dot + 8)] + text[end..];
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
    }

    /// <summary>The part of a line read so far on one stream, and the time of its first piece.</summary>
    private sealed class LinePending
    {
        public readonly List<byte> Bytes = [];
        public DateTimeOffset? Time;
        public bool Started;
        public bool ReadingTime;

        public ContainerLogLine Take(ContainerLogStream stream)
        {
            var line = new ContainerLogLine(stream, Encoding.UTF8.GetString([.. Bytes])) { Timestamp = Time };
            Bytes.Clear();
            Time = null;
            Started = false;
            return line;
        }
    }
}
