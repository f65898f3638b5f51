using System.Diagnostics;
using System.Text;
using Containers.Engine.Errors;
using Containers.Engine.Logs;

namespace Containers.Engine.Tests.Logs;

/// <summary>
/// The json-file log reader on real files written in the shim's format: order across rotated files, tail, since/until,
/// streams, partial lines, and following a log that grows, rotates and is truncated until the container stops.
/// </summary>
public sealed class ContainerLogReaderTests : TempDirectory // a fresh directory per test, removed after it
{
    private string Log => System.IO.Path.Combine(Path, "c-json.log");
    private static readonly DateTime T0 = new(2026, 12, 5, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>One entry as the shim's JsonLogWriter writes it (nine fraction digits, UTC).</summary>
    private static string Line(string text, string stream = "stdout", int second = 0, int nanos = 123456789)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
            escaped.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", < ' ' => $"\\u{(int)c:x4}", _ => c.ToString() });
        var time = T0.AddSeconds(second).ToString("yyyy-MM-dd'T'HH:mm:ss") + "." + nanos.ToString("D9") + "Z";
        return $"{{\"log\":\"{escaped}\",\"stream\":\"{stream}\",\"time\":\"{time}\"}}\n";
    }

    private static async Task<List<LogEntry>> ReadAll(string path, LogReadOptions options, Task? stopped = null, CancellationToken cancel = default)
    {
        var all = new List<LogEntry>();
        await foreach (var batch in ContainerLogReader.ReadAsync(path, options, stopped ?? Task.CompletedTask, cancel)) all.AddRange(batch);
        return all;
    }

    private static string Text(IEnumerable<LogEntry> entries) => string.Concat(entries.Select(e => Encoding.UTF8.GetString(e.Bytes)));

    [Fact]
    public async Task Entries_keep_their_stream_bytes_and_nanosecond_time()
    {
        File.WriteAllText(Log, Line("one\n") + Line("err \"quoted\"\t\u001b[1m\n", "stderr", 1) + Line("ünï\n", second: 2) + Line("/ # ", second: 3, nanos: 5));
        var entries = await ReadAll(Log, new LogReadOptions());
        Assert.Equal(["one\n", "err \"quoted\"\t\u001b[1m\n", "ünï\n", "/ # "], entries.Select(e => Encoding.UTF8.GetString(e.Bytes)));
        Assert.Equal([LogSource.Stdout, LogSource.Stderr, LogSource.Stdout, LogSource.Stdout], entries.Select(e => e.Source));
        Assert.Equal("2026-12-05T10:00:00.123456789Z", entries[0].Timestamp);
        Assert.Equal("2026-12-05T10:00:03.000000005Z", entries[3].Timestamp);
        Assert.Equal(T0.AddSeconds(1).AddTicks(1234567), entries[1].Time);
        Assert.False(entries[3].EndsLine);
    }

    [Fact]
    public async Task Rotated_files_come_oldest_first_and_streams_can_be_chosen()
    {
        File.WriteAllText(Log + ".2", Line("a\n") + Line("x\n", "stderr"));
        File.WriteAllText(Log + ".1", Line("b\n"));
        File.WriteAllText(Log, Line("c\n") + Line("y\n", "stderr"));
        File.WriteAllText(Log + ".tmp", Line("not a rotation\n"));
        Assert.Equal("a\nx\nb\nc\ny\n", Text(await ReadAll(Log, new LogReadOptions())));
        Assert.Equal("a\nb\nc\n", Text(await ReadAll(Log, new LogReadOptions { Stderr = false })));
        Assert.Equal("x\ny\n", Text(await ReadAll(Log, new LogReadOptions { Stdout = false })));
    }

    [Fact]
    public async Task Tail_counts_lines_across_streams_and_files_with_partial_pieces_in_their_line()
    {
        File.WriteAllText(Log + ".1", Line("1\n") + Line("2\n"));
        File.WriteAllText(Log, Line("3\n") + Line("fo") + Line("ur\n") + Line("5\n", "stderr") + Line("prompt "));
        Assert.Equal("prompt ", Text(await ReadAll(Log, new LogReadOptions { Tail = 1 })));
        Assert.Equal("5\nprompt ", Text(await ReadAll(Log, new LogReadOptions { Tail = 2 })));
        Assert.Equal("four\n5\nprompt ", Text(await ReadAll(Log, new LogReadOptions { Tail = 3 })));
        Assert.Equal("2\n3\nfour\n5\nprompt ", Text(await ReadAll(Log, new LogReadOptions { Tail = 5 })));
        Assert.Equal("1\n2\n3\nfour\n5\nprompt ", Text(await ReadAll(Log, new LogReadOptions { Tail = 100 })));
        Assert.Empty(await ReadAll(Log, new LogReadOptions { Tail = 0 }));
        // The tail is taken before the stream filter, as dockerd does: the last line is on stderr.
        Assert.Equal("5\n", Text(await ReadAll(Log, new LogReadOptions { Tail = 2, Stdout = false })));
    }

    [Fact]
    public async Task A_lines_pieces_stay_with_it_when_the_other_stream_wrote_in_between()
    {
        File.WriteAllText(Log, Line("a\n") + Line("no newline") + Line("err\n", "stderr") + Line("late\n"));
        Assert.Equal("no newlinelate\n", Text(await ReadAll(Log, new LogReadOptions { Tail = 1 })));
        Assert.Equal("no newlineerr\nlate\n", Text(await ReadAll(Log, new LogReadOptions { Tail = 2 })));
    }

    [Fact]
    public async Task Since_and_until_bound_the_entries_by_time()
    {
        File.WriteAllText(Log, string.Concat(Enumerable.Range(0, 5).Select(i => Line($"{i}\n", second: i, nanos: 0))));
        Assert.Equal("2\n3\n4\n", Text(await ReadAll(Log, new LogReadOptions { Since = T0.AddSeconds(2) })));
        Assert.Equal("0\n1\n", Text(await ReadAll(Log, new LogReadOptions { Until = T0.AddSeconds(1) })));
        Assert.Equal("1\n2\n", Text(await ReadAll(Log, new LogReadOptions { Since = T0.AddSeconds(0.5), Until = T0.AddSeconds(2.5) })));
    }

    [Fact]
    public void Query_values_parse_as_dockerd_reads_them()
    {
        Assert.Equal(T0.AddSeconds(1.5), LogReadOptions.ParseTime(((long)(T0 - DateTime.UnixEpoch).TotalSeconds + 1) + ".500000000", "since"));
        Assert.Equal(T0, LogReadOptions.ParseTime("2026-12-05T10:00:00Z", "since"));
        Assert.Null(LogReadOptions.ParseTime("0", "since"));
        Assert.Null(LogReadOptions.ParseTime(null, "since"));
        Assert.Throws<InvalidParameterException>(() => LogReadOptions.ParseTime("yesterday", "since"));
        Assert.Equal(3, LogReadOptions.ParseTail("3"));
        Assert.Null(LogReadOptions.ParseTail("all"));
        Assert.Null(LogReadOptions.ParseTail("-1"));
    }

    [Fact]
    public async Task A_line_the_writer_has_not_finished_is_read_once_it_is()
    {
        var line = Line("whole\n");
        File.WriteAllText(Log, line[..10]);
        var stopped = new TaskCompletionSource();
        var reading = ReadAll(Log, new LogReadOptions { Follow = true }, stopped.Task);
        await Task.Delay(100);
        File.AppendAllText(Log, line[10..]);
        await Task.Delay(100);
        stopped.SetResult();
        Assert.Equal("whole\n", Text(await reading));
    }

    [Fact]
    public async Task Follow_reads_across_rotation_and_truncation_until_stopped_then_drains()
    {
        File.WriteAllText(Log, Line("before\n"));
        var stopped = new TaskCompletionSource();
        var reading = ReadAll(Log, new LogReadOptions { Tail = 0, Follow = true }, stopped.Task); // only what comes next
        await Task.Delay(100);
        File.AppendAllText(Log, Line("1\n"));
        await Task.Delay(100);
        // Rotation as the shim does it: the log becomes .1 (with a last line the follower has not read yet), a new log starts.
        File.AppendAllText(Log, Line("2\n"));
        File.Move(Log, Log + ".1");
        File.WriteAllText(Log, Line("3\n", "stderr") + Line("3 and more\n"));
        await Task.Delay(100);
        // Truncation in place (max-file 1): the follower starts again at the beginning.
        using (var f = new FileStream(Log, FileMode.Open, FileAccess.Write)) f.SetLength(0);
        File.AppendAllText(Log, Line("4\n"));
        await Task.Delay(100);
        // Written just before the stop: still read.
        File.AppendAllText(Log, Line("5\n"));
        stopped.SetResult();
        var entries = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("1\n2\n3\n3 and more\n4\n5\n", Text(entries));
        Assert.Equal(LogSource.Stderr, entries[2].Source);
    }

    [Fact]
    public async Task Follow_waits_for_a_log_that_does_not_exist_yet_and_ends_when_cancelled()
    {
        var stopped = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var entries = new List<LogEntry>();
        var reading = Task.Run(async () =>
        {
            await foreach (var batch in ContainerLogReader.ReadAsync(Log, new LogReadOptions { Tail = 0, Follow = true }, stopped.Task, cancel.Token))
                lock (entries) entries.AddRange(batch);
        });
        await Task.Delay(100);
        File.WriteAllText(Log, Line("first\n"));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (entries) if (entries.Count == 1) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the new log's line was not read");
            await Task.Delay(10);
        }
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Without_follow_the_reader_ends_at_the_end_of_the_log_even_if_the_container_runs()
    {
        File.WriteAllText(Log, Line("a\n"));
        var never = new TaskCompletionSource().Task;
        Assert.Equal("a\n", Text(await ReadAll(Log, new LogReadOptions(), never).WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.Empty(await ReadAll(System.IO.Path.Combine(Path, "missing.log"), new LogReadOptions(), never).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
