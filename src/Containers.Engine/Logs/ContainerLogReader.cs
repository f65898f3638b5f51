using System.Runtime.CompilerServices;

namespace Containers.Engine.Logs;

/// <summary>
/// Reads a container's json-file log the way <c>docker logs</c> and attach need it: the rotated files oldest first
/// (<c>log.N</c> … <c>log.1</c>) then the log itself, the last <c>tail</c> lines, the <c>since</c>/<c>until</c>
/// window, and with <c>follow</c> what the shim appends afterwards — across rotation — until <c>stopped</c> completes,
/// after which what is left is read and the stream ends. Entries come in batches, each what was there at once, so a
/// caller can flush once per batch.
/// </summary>
public static class ContainerLogReader
{
    /// <summary>How long a follower waits for more output at most (it starts lower and backs off while idle).</summary>
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>The rotated files of <paramref name="path"/> that exist, oldest first.</summary>
    public static List<string> RotatedFiles(string path)
    {
        var rotated = new List<(int, string)>();
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory)) return [];
        var prefix = Path.GetFileName(path) + ".";
        foreach (var file in Directory.EnumerateFiles(directory))
            if (Path.GetFileName(file) is var name && name.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, null, out var n) && n > 0)
                rotated.Add((n, file));
        return rotated.OrderByDescending(r => r.Item1).Select(r => r.Item2).ToList();
    }

    /// <summary>
    /// Opens the log, then its rotated files oldest first, until no rotation happened in between (the log's path still
    /// names the file opened first), so no file is skipped or read twice; a few tries, then what was opened last.
    /// </summary>
    private static (LogFileCursor Current, List<LogFileCursor> Older) OpenAll(string path, bool atEnd)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = new LogFileCursor(path);
            current.TryOpen(atEnd);
            var older = new List<LogFileCursor>();
            foreach (var rotated in atEnd ? [] : RotatedFiles(path))
            {
                var cursor = new LogFileCursor(rotated);
                if (cursor.TryOpen(atEnd: false)) older.Add(cursor);
                else cursor.Dispose();
            }
            if (atEnd || !current.IsOpen || current.StillAtPath() || attempt == 4) return (current, older);
            current.Dispose();
            foreach (var cursor in older) cursor.Dispose();
        }
    }

    private sealed class Opened(List<LogFileCursor> cursors) : IDisposable
    {
        public void Dispose() => cursors.ForEach(c => c.Dispose());
    }

    /// <param name="path">The log (<c>ID-json.log</c>).</param>
    /// <param name="options">What to read; with <see cref="LogReadOptions.Tail"/> 0 and follow, only what comes next.</param>
    /// <param name="stopped">Completes when the container has stopped (ignored unless following).</param>
    public static async IAsyncEnumerable<IReadOnlyList<LogEntry>> ReadAsync(string path, LogReadOptions options, Task stopped,
        [EnumeratorCancellation] CancellationToken cancel = default)
    {
        // The current log and the rotated ones are all opened before any is read, and again if the writer rotated
        // meanwhile: the files held are then one consecutive run, whatever rotates while they are read.
        var (current, older) = OpenAll(path, atEnd: options.Tail == 0);
        using var opened = new Opened([current, .. older]); // however the reading ends (Dispose is idempotent)
        var entries = new List<LogEntry>();
        if (options.Tail != 0)
        {
            var tail = options.Tail is { } n ? new TailWindow(n) : null;
            foreach (var old in older)
            {
                while (old.ReadAvailable(entries))
                {
                    if (Emit(entries, tail, options, out var ended) is { } batch) yield return batch;
                    if (ended) yield break;
                }
            }
            while (current.ReadAvailable(entries))
            {
                if (Emit(entries, tail, options, out var ended) is { } batch) yield return batch;
                if (ended) yield break;
            }
            if (tail is not null)
            {
                var last = Filter(tail.Lines(), options, out var ended);
                if (last.Count > 0) yield return last;
                if (ended) yield break;
            }
        }
        if (!options.Follow) yield break;

        var idle = MinPoll;
        while (true)
        {
            bool done = stopped.IsCompleted; // read before the last look, so nothing written before the stop is missed
            bool any = current.IsOpen ? current.ReadAvailable(entries) || current.FollowRotation(entries) : current.TryOpen(atEnd: false);
            if (entries.Count > 0)
            {
                var batch = Filter(entries, options, out var ended);
                entries = [];
                if (batch.Count > 0) yield return batch;
                if (ended) yield break;
            }
            if (any)
            {
                idle = MinPoll;
                continue;
            }
            if (done) yield break;
            await Task.WhenAny(stopped, Task.Delay(idle, cancel));
            cancel.ThrowIfCancellationRequested();
            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>Without a tail window: the entries read so far, filtered; with one, they go into the window.</summary>
    private static List<LogEntry>? Emit(List<LogEntry> entries, TailWindow? tail, LogReadOptions options, out bool ended)
    {
        ended = false;
        if (tail is not null)
        {
            foreach (var e in entries) tail.Add(e);
            entries.Clear();
            return null;
        }
        var batch = Filter(entries, options, out ended);
        entries.Clear();
        return batch.Count > 0 ? batch : null;
    }

    /// <summary>The wanted streams within since/until; <paramref name="ended"/> once an entry is past until (nothing later can match).</summary>
    private static List<LogEntry> Filter(IEnumerable<LogEntry> entries, LogReadOptions options, out bool ended)
    {
        ended = false;
        var kept = new List<LogEntry>();
        foreach (var e in entries)
        {
            if (options.Until is { } until && e.Time > until)
            {
                ended = true;
                break;
            }
            if (options.Since is { } since && e.Time < since) continue;
            if (options.Wants(e.Source)) kept.Add(e);
        }
        return kept;
    }

    /// <summary>
    /// The last N lines across both streams, as Docker counts them: an entry ending in "\n" ends a line, and a stream's
    /// last entry counts as a line even without one (an unfinished prompt); the partial entries the shim writes for
    /// output that came in pieces belong to the next line of their own stream, whatever the other stream wrote between.
    /// </summary>
    private sealed class TailWindow(int lines)
    {
        private readonly LinkedList<LogEntry> window = new();
        private int complete;

        public void Add(LogEntry entry)
        {
            window.AddLast(entry);
            if (!entry.EndsLine) return;
            complete++;
            while (complete > lines)
            {
                DropOldestLine(e => e.EndsLine);
                complete--;
            }
        }

        public IEnumerable<LogEntry> Lines()
        {
            var trailing = new HashSet<LogEntry>(ReferenceEqualityComparer.Instance);
            foreach (var source in new[] { LogSource.Stdout, LogSource.Stderr })
                if (window.LastOrDefault(e => e.Source == source) is { EndsLine: false } partial) trailing.Add(partial);
            while (window.Count > 0 && complete + trailing.Count > lines)
                if (!trailing.Remove(DropOldestLine(e => e.EndsLine || trailing.Contains(e)))) complete--;
            return window;
        }

        /// <summary>Removes the first entry that ends a line and the pieces of its stream before it; returns that entry.</summary>
        private LogEntry DropOldestLine(Func<LogEntry, bool> endsLine)
        {
            var end = window.First!;
            while (!endsLine(end.Value)) end = end.Next!;
            for (var node = window.First; node != end;)
            {
                var next = node!.Next;
                if (node.Value.Source == end.Value.Source) window.Remove(node);
                node = next;
            }
            window.Remove(end);
            return end.Value;
        }
    }
}
