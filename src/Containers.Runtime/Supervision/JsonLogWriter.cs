using System.Text;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Supervision;

/// <summary>
/// Docker's json-file log driver, as the shim writes it: one line per entry,
/// <c>{"log":"hello\n","stream":"stdout","time":"2026-12-03T19:27:28.123456789Z"}</c>. Output is cut into entries at
/// each newline and every 16 KiB (an entry without a trailing "\n" is a partial line, as Docker marks them). When the
/// file has reached max-size it is rotated before the next entry (log → log.1 → … → log.N-1), or truncated when only
/// one file is kept. Hand-written encoding: the shim stays small and free of the JSON serializer.
/// </summary>
internal sealed unsafe class JsonLogWriter : IDisposable
{
    public const int MaxEntry = 16 * 1024;

    private readonly string path;
    private readonly long maxSize;
    private readonly int maxFile;
    private int fd;
    private long size;
    private byte[] line = new byte[256];
    private int length;

    public JsonLogWriter(string path, long maxSize, int maxFile)
    {
        this.path = path;
        this.maxSize = maxSize;
        this.maxFile = Math.Max(1, maxFile);
        fd = OpenLog();
        size = lseek(fd, 0, 2 /* SEEK_END */);
    }

    private int OpenLog() => Check(open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0x1a0 /* 0640 */), $"open {path}");

    /// <summary>Writes one entry: <paramref name="text"/> is the raw output, with its "\n" when the line is complete.</summary>
    public void Write(ReadOnlySpan<byte> text, bool stderr)
    {
        if (maxSize > 0 && size >= maxSize) Rotate();
        length = 0;
        Append("{\"log\":\""u8);
        AppendEscaped(text);
        Append(stderr ? "\",\"stream\":\"stderr\",\"time\":\""u8 : "\",\"stream\":\"stdout\",\"time\":\""u8);
        AppendTime();
        Append("\"}\n"u8);
        WriteAll(fd, line.AsSpan(0, length));
        size += length;
    }

    private void Rotate()
    {
        if (maxFile == 1)
        {
            Check(ftruncate(fd, 0), $"truncate {path}");
        }
        else
        {
            for (int i = maxFile - 1; i > 1; i--)
                if (File.Exists($"{path}.{i - 1}")) File.Move($"{path}.{i - 1}", $"{path}.{i}", overwrite: true);
            File.Move(path, path + ".1", overwrite: true);
            close(fd);
            fd = OpenLog();
        }
        size = 0;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(line.AsSpan(length));
        length += bytes.Length;
    }

    private void Reserve(int more)
    {
        if (length + more > line.Length) Array.Resize(ref line, Math.Max(line.Length * 2, length + more));
    }

    // JSON string escaping; invalid UTF-8 becomes U+FFFD as in Docker's encoder.
    private void AppendEscaped(ReadOnlySpan<byte> text)
    {
        Reserve(text.Length + 16);
        while (!text.IsEmpty)
        {
            byte b = text[0];
            if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\')
            {
                Reserve(1);
                line[length++] = b;
                text = text[1..];
                continue;
            }
            if (b < 0x80)
            {
                Append(b switch
                {
                    (byte)'"' => "\\\""u8, (byte)'\\' => "\\\\"u8, (byte)'\n' => "\\n"u8, (byte)'\r' => "\\r"u8, (byte)'\t' => "\\t"u8,
                    _ => Encoding.ASCII.GetBytes($"\\u{b:x4}"),
                });
                text = text[1..];
                continue;
            }
            var status = System.Text.Rune.DecodeFromUtf8(text, out _, out int consumed);
            if (status == System.Buffers.OperationStatus.Done) Append(text[..consumed]);
            else Append("\\ufffd"u8);
            text = text[Math.Max(consumed, 1)..];
        }
    }

    // RFC 3339 with nanoseconds, UTC, as Docker's timestamps.
    private void AppendTime()
    {
        long* ts = stackalloc long[2];
        clock_gettime(0 /* CLOCK_REALTIME */, ts);
        var t = DateTime.UnixEpoch.AddSeconds(ts[0]);
        Reserve(30);
        Span<byte> s = line.AsSpan(length, 30);
        Digits(s[..4], t.Year); s[4] = (byte)'-'; Digits(s.Slice(5, 2), t.Month); s[7] = (byte)'-'; Digits(s.Slice(8, 2), t.Day);
        s[10] = (byte)'T'; Digits(s.Slice(11, 2), t.Hour); s[13] = (byte)':'; Digits(s.Slice(14, 2), t.Minute); s[16] = (byte)':';
        Digits(s.Slice(17, 2), t.Second); s[19] = (byte)'.'; Digits(s.Slice(20, 9), ts[1]); s[29] = (byte)'Z';
        length += 30;
    }

    private static void Digits(Span<byte> into, long value)
    {
        for (int i = into.Length - 1; i >= 0; i--) { into[i] = (byte)('0' + value % 10); value /= 10; }
    }

    public void Dispose()
    {
        if (fd >= 0) close(fd);
        fd = -1;
    }
}

/// <summary>Cuts one output stream into log entries: at each newline, and every <see cref="JsonLogWriter.MaxEntry"/> bytes.</summary>
internal sealed class LogLineSplitter(JsonLogWriter? log, bool stderr)
{
    private byte[]? pending; // allocated on first output: an idle shim keeps its memory small
    private int count;

    public void Feed(ReadOnlySpan<byte> data)
    {
        pending ??= new byte[JsonLogWriter.MaxEntry];
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            int take = Math.Min(newline < 0 ? data.Length : newline + 1, pending.Length - count);
            data[..take].CopyTo(pending.AsSpan(count));
            count += take;
            data = data[take..];
            if (pending[count - 1] == '\n' || count == pending.Length) Flush();
        }
    }

    /// <summary>Writes what is held (a partial line at end of output).</summary>
    public void Flush()
    {
        if (count == 0) return;
        log?.Write(pending!.AsSpan(0, count), stderr);
        count = 0;
    }
}
