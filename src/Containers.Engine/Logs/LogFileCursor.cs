using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static Containers.Interop.Libc;

namespace Containers.Engine.Logs;

/// <summary>
/// A reading position in one json-file log as the shim writes it, across its rotation: the shim renames the full log to
/// <c>.1</c> and opens a new one (so the file we hold is no longer at the path: we finish it, then move to the new
/// file), or with one file truncates it in place (the size drops below our position: we start again at 0). Complete
/// lines are parsed into <see cref="LogEntry"/>; a line the writer has not finished yet is kept until it has.
/// </summary>
internal sealed unsafe class LogFileCursor(string path) : IDisposable
{
    private const int AT_EMPTY_PATH = 0x1000;

    private SafeFileHandle? file;
    private ulong inode;
    private long position;
    private readonly byte[] buffer = new byte[64 * 1024];
    private byte[] carry = [];

    public string Path => path;

    /// <summary>Opens the log if it exists (at its start, or at its end to follow only what comes next); false if it does not.</summary>
    public bool TryOpen(bool atEnd)
    {
        if (file is not null) return true;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        Statx stat;
        inode = statx((int)file.DangerousGetHandle(), "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stat) == 0 ? stat.Ino : 0;
        position = atEnd ? RandomAccess.GetLength(file) : 0;
        carry = [];
        return true;
    }

    public bool IsOpen => file is not null;

    /// <summary>
    /// Reads what the file holds beyond our position into <paramref name="into"/>, up to about a MiB at a time (call
    /// again for more); false when there was nothing new.
    /// </summary>
    public bool ReadAvailable(List<LogEntry> into)
    {
        if (file is null) return false;
        if (RandomAccess.GetLength(file) < position)
        {
            position = 0; // truncated in place (max-file 1)
            carry = [];
        }
        long read = 0;
        int n;
        while (read < 16 * buffer.Length && (n = RandomAccess.Read(file, buffer, position)) > 0)
        {
            position += n;
            read += n;
            Split(buffer.AsSpan(0, n), into);
        }
        return read > 0;
    }

    /// <summary>Whether the path still names the file we hold (no rotation since it was opened).</summary>
    public bool StillAtPath() => file is not null && LStat(path) is { } now && now.Ino == inode;

    /// <summary>
    /// True when the path now names another file than ours (the writer rotated): what remains in ours is read into
    /// <paramref name="into"/> and the cursor moves to the start of the new file (once it exists).
    /// </summary>
    public bool FollowRotation(List<LogEntry> into)
    {
        if (file is null) return false;
        var now = LStat(path);
        if (now is null || now.Value.Ino == inode) return false; // between the rename and the new file, or not rotated
        while (ReadAvailable(into)) { }
        Close();
        TryOpen(atEnd: false);
        return true;
    }

    private void Split(ReadOnlySpan<byte> data, List<LogEntry> into)
    {
        if (carry.Length > 0)
        {
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                carry = [.. carry, .. data];
                return;
            }
            byte[] line = [.. carry, .. data[..newline]];
            carry = [];
            Add(line, into);
            data = data[(newline + 1)..];
        }
        int end;
        while ((end = data.IndexOf((byte)'\n')) >= 0)
        {
            Add(data[..end], into);
            data = data[(end + 1)..];
        }
        if (!data.IsEmpty) carry = data.ToArray();
    }

    private static void Add(ReadOnlySpan<byte> line, List<LogEntry> into)
    {
        if (Parse(line) is { } entry) into.Add(entry);
    }

    /// <summary>One line of the log, <c>{"log":"...","stream":"stdout","time":"..."}</c>; null for a line that is not one.</summary>
    internal static LogEntry? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            byte[]? log = null;
            var source = LogSource.Stdout;
            string? time = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("log"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    log = new byte[reader.ValueSpan.Length];
                    log = log.AsSpan(0, reader.CopyString(log)).ToArray();
                }
                else if (reader.ValueTextEquals("stream"u8) && reader.Read())
                    source = reader.ValueTextEquals("stderr"u8) ? LogSource.Stderr : LogSource.Stdout;
                else if (reader.ValueTextEquals("time"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                    time = reader.GetString();
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return log is null || time is null || ParseTime(time) is not { } t ? null : new LogEntry(source, log, t, time);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>RFC 3339 with up to nine fraction digits (DateTime keeps seven), as UTC.</summary>
    internal static DateTime? ParseTime(string text)
    {
        if (text.Length > 20 && text[19] == '.' && text[^1] == 'Z'
            && DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
        {
            var fraction = text[20..^1];
            if (fraction.Length <= 9 && fraction.All(char.IsAsciiDigit))
                return seconds.AddTicks(long.Parse(fraction.PadRight(9, '0'), CultureInfo.InvariantCulture) / 100);
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime : null;
    }

    private void Close()
    {
        file?.Dispose();
        file = null;
        carry = [];
    }

    public void Dispose() => Close();
}
