using System.IO.Pipelines;

namespace Containers.Snapshots;

/// <summary>
/// Layer filesystems keyed by chain ID, and per-container snapshots on top of them. Subclasses decide how a snapshot
/// is stored and mounted (overlay layers, or full copies); this class owns the table, crash recovery, removal,
/// usage and garbage collection. Thread-safe: one lock around the table; layer application runs outside it.
/// </summary>
public abstract class Snapshotter
{
    private readonly Lock _gate = new();
    private readonly SnapshotMetadata _metadata;
    private readonly Dictionary<string, Task<SnapshotInfo>> _committing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _leases = new(StringComparer.Ordinal);

    public string Root { get; }

    /// <summary>The name reported as Docker's storage driver.</summary>
    public abstract string Driver { get; }

    protected string SnapshotsDirectory => Path.Combine(Root, "snapshots");

    protected Snapshotter(string root)
    {
        Root = root;
        Directory.CreateDirectory(SnapshotsDirectory);
        _metadata = new SnapshotMetadata(root);
        var known = _metadata.All.Select(s => s.Id.ToString()).ToHashSet();
        foreach (var dir in Directory.EnumerateDirectories(SnapshotsDirectory))
            if (!known.Contains(Path.GetFileName(dir))) DeleteTree(dir); // a crash leftover: never visible as a snapshot
    }

    /// <summary>The directory holding a snapshot's files (its own layer for overlay; the whole tree for native).</summary>
    protected string FilesOf(SnapshotInfo info) => Path.Combine(SnapshotsDirectory, info.Id.ToString(), "fs");

    public bool Exists(string key)
    {
        lock (_gate) return _metadata.Get(key) is not null;
    }

    public SnapshotInfo Stat(string key)
    {
        lock (_gate) return _metadata.Get(key) ?? throw new KeyNotFoundException($"snapshot {key} does not exist");
    }

    public IReadOnlyList<SnapshotInfo> List()
    {
        lock (_gate) return [.. _metadata.All];
    }

    /// <summary>
    /// Commits a layer from an uncompressed tar: applied in a temporary directory, renamed into place and recorded only
    /// when the whole stream applied. Concurrent commits of one chain ID apply it once.
    /// </summary>
    public Task<SnapshotInfo> CommitLayerAsync(string chainId, string? parentChainId, Stream tar, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (_metadata.Get(chainId) is { } done) return Task.FromResult(done);
            if (_committing.TryGetValue(chainId, out var running)) return running;
            if (parentChainId is not null && _metadata.Get(parentChainId) is null)
                throw new KeyNotFoundException($"parent snapshot {parentChainId} of layer {chainId} does not exist");
            // Started on the thread pool, never inline: a commit that completed synchronously would run its cleanup
            // (removing this entry) before the entry is added, leaving a stale one that blocks garbage collection.
            var task = Task.Run(() => CommitCoreAsync(chainId, parentChainId, tar, cancel), cancel);
            _committing[chainId] = task;
            return task;
        }
    }

    private async Task<SnapshotInfo> CommitCoreAsync(string chainId, string? parentChainId, Stream tar, CancellationToken cancel)
    {
        int id;
        lock (_gate) id = _metadata.AllocateId();
        var final = Path.Combine(SnapshotsDirectory, id.ToString());
        var temp = final + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.Combine(temp, "fs"));
            await ApplyWithReadAheadAsync(Path.Combine(temp, "fs"), parentChainId, tar, cancel);
            Directory.Move(temp, final);
            var info = new SnapshotInfo(chainId, SnapshotKind.Committed, parentChainId, id, DateTimeOffset.UtcNow);
            lock (_gate) _metadata.Add(info);
            return info;
        }
        catch
        {
            DeleteTree(temp);
            throw;
        }
        finally
        {
            lock (_gate) _committing.Remove(chainId);
        }
    }

    /// <summary>
    /// Reads the layer stream on another thread while this one applies it: producing the stream (decompressing and
    /// hashing, for a pull) and writing files are both CPU work, so on two cores they overlap. An error on either side
    /// ends both: the producer's (a digest mismatch at the end of the stream) reaches the applier as a read error.
    /// </summary>
    private async Task ApplyWithReadAheadAsync(string directory, string? parentChainId, Stream tar, CancellationToken cancel)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20, minimumSegmentSize: 64 << 10));
        var producer = Task.Run(async () =>
        {
            try
            {
                await tar.CopyToAsync(pipe.Writer, cancel);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
            }
        }, cancel);
        try
        {
            await using var reader = pipe.Reader.AsStream();
            await ApplyLayerAsync(directory, parentChainId, reader, cancel);
        }
        finally
        {
            await pipe.Reader.CompleteAsync(); // a failed apply stops the producer too
            await producer;
        }
    }

    /// <summary>Applies one layer into <paramref name="directory"/>, given the committed parent.</summary>
    protected abstract Task ApplyLayerAsync(string directory, string? parentChainId, Stream tar, CancellationToken cancel);

    /// <summary>A read-write snapshot for a container on top of a committed layer (or empty); returns its mounts.</summary>
    public IReadOnlyList<MountSpec> Prepare(string key, string? parentChainId) => Create(key, parentChainId, SnapshotKind.Active);

    /// <summary>A read-only view of a committed layer chain (for export and cp).</summary>
    public IReadOnlyList<MountSpec> View(string key, string parentChainId) => Create(key, parentChainId, SnapshotKind.View);

    private IReadOnlyList<MountSpec> Create(string key, string? parentChainId, SnapshotKind kind)
    {
        SnapshotInfo info;
        lock (_gate)
        {
            if (_metadata.Get(key) is not null) throw new InvalidOperationException($"snapshot {key} already exists");
            if (parentChainId is not null && _metadata.Get(parentChainId) is not { Kind: SnapshotKind.Committed })
                throw new KeyNotFoundException($"parent snapshot {parentChainId} does not exist");
            info = new SnapshotInfo(key, kind, parentChainId, _metadata.AllocateId(), DateTimeOffset.UtcNow);
        }
        var final = Path.Combine(SnapshotsDirectory, info.Id.ToString());
        var temp = final + ".tmp";
        Directory.CreateDirectory(Path.Combine(temp, "fs"));
        PrepareDirectory(temp, parentChainId, kind);
        Directory.Move(temp, final);
        lock (_gate) _metadata.Add(info);
        return Mounts(key);
    }

    /// <summary>Lays out a new active or view snapshot in <paramref name="directory"/> (already holding an empty fs/).</summary>
    protected abstract void PrepareDirectory(string directory, string? parentChainId, SnapshotKind kind);

    /// <summary>The mounts that produce a snapshot's root filesystem.</summary>
    public abstract IReadOnlyList<MountSpec> Mounts(string key);

    /// <summary>The committed chain from <paramref name="chainId"/> down to the base layer (topmost first).</summary>
    protected List<SnapshotInfo> Chain(string? chainId)
    {
        var chain = new List<SnapshotInfo>();
        lock (_gate)
        {
            for (var key = chainId; key is not null;)
            {
                var info = _metadata.Get(key) ?? throw new KeyNotFoundException($"snapshot {key} does not exist");
                chain.Add(info);
                key = info.Parent;
            }
        }
        return chain;
    }

    /// <summary>Removes a snapshot; a committed one that others build on cannot go.</summary>
    public void Remove(string key)
    {
        SnapshotInfo info;
        lock (_gate)
        {
            info = _metadata.Get(key) ?? throw new KeyNotFoundException($"snapshot {key} does not exist");
            if (_metadata.All.Any(s => s.Parent == key))
                throw new InvalidOperationException($"snapshot {key} has children and cannot be removed");
            _metadata.Remove(key);
        }
        DeleteTree(Path.Combine(SnapshotsDirectory, info.Id.ToString()));
    }

    public SnapshotUsage Usage(string key)
    {
        var files = FilesOf(Stat(key));
        long bytes = 0, inodes = 0;
        var seen = new HashSet<ulong>();
        foreach (var path in Directory.EnumerateFileSystemEntries(files, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Prepend(files))
        {
            if (Native.LStat(path) is not { } st || !seen.Add(st.Inode)) continue; // hard links count once
            inodes++;
            bytes += st.Blocks * 512;
        }
        return new SnapshotUsage(bytes, inodes);
    }

    /// <summary>Keeps a committed chain from garbage collection while a pull that builds on it runs.</summary>
    public IDisposable Lease(string key)
    {
        lock (_gate) _leases.Add(key);
        return new LeaseRelease(this, key);
    }

    /// <summary>
    /// Removes every committed snapshot not reachable from <paramref name="roots"/> (image chain IDs and container keys),
    /// an active or view snapshot, or a lease. Returns the keys removed.
    /// </summary>
    public IReadOnlyList<string> GarbageCollect(IEnumerable<string> roots)
    {
        var removed = new List<string>();
        lock (_gate)
        {
            var keep = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(roots.Concat(_leases).Concat(_committing.Keys)
                .Concat(_metadata.All.Where(s => s.Kind != SnapshotKind.Committed).Select(s => s.Key)));
            while (pending.Count > 0)
            {
                var key = pending.Pop();
                if (!keep.Add(key)) continue;
                if (_metadata.Get(key)?.Parent is { } parent) pending.Push(parent);
            }
            foreach (var info in _metadata.All.Where(s => !keep.Contains(s.Key)).ToList())
            {
                _metadata.Remove(info.Key);
                removed.Add(info.Key);
                DeleteTree(Path.Combine(SnapshotsDirectory, info.Id.ToString()));
            }
        }
        return removed;
    }

    protected static void DeleteTree(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    private sealed class LeaseRelease(Snapshotter owner, string key) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._leases.Remove(key);
        }
    }
}
