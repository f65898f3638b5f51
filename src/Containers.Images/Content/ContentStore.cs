using System.Collections.Concurrent;

namespace Containers.Images.Content;

/// <summary>
/// Opens a blob's bytes starting at <paramref name="offset"/>. The source may ignore the offset
/// (a server without Range support) and say so by returning StartOffset = 0.
/// </summary>
public delegate Task<BlobSourceResponse> BlobSource(long offset, CancellationToken cancellationToken);

/// <summary>A body stream and the offset in the blob its first byte belongs to.</summary>
public sealed record BlobSourceResponse(Stream Content, long StartOffset);

/// <summary>
/// Content-addressed blob store: blobs/&lt;alg&gt;/&lt;hex&gt; are only ever created by an atomic rename of a
/// fully written, fsynced and verified ingest file, so a reader never sees a partial or corrupt blob.
/// Partial downloads stay in ingest/ and are resumed from their length.
/// </summary>
public sealed class ContentStore
{
    private readonly ConcurrentDictionary<string, InflightFetch> _inflight = new();

    public string Root { get; }

    public ContentStore(string root)
    {
        Root = System.IO.Path.GetFullPath(root);
        Directory.CreateDirectory(System.IO.Path.Combine(Root, "blobs"));
        Directory.CreateDirectory(System.IO.Path.Combine(Root, "ingest"));
    }

    public string BlobPath(Digest digest) => System.IO.Path.Combine(Root, "blobs", digest.Algorithm, digest.Hex);

    public string IngestPath(Digest digest) => System.IO.Path.Combine(Root, "ingest", digest.Algorithm + "-" + digest.Hex);

    public bool Exists(Digest digest) => File.Exists(BlobPath(digest));

    public long? GetSize(Digest digest)
    {
        var fi = new FileInfo(BlobPath(digest));
        return fi.Exists ? fi.Length : null;
    }

    /// <summary>Bytes already in the ingest file for this digest (0 when none).</summary>
    public long IngestedLength(Digest digest)
    {
        var fi = new FileInfo(IngestPath(digest));
        return fi.Exists ? fi.Length : 0;
    }

    public Stream OpenRead(Digest digest)
    {
        string path = BlobPath(digest);
        if (!File.Exists(path)) throw new FileNotFoundException($"blob {digest} not found in content store", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    public byte[] ReadAllBytes(Digest digest)
    {
        string path = BlobPath(digest);
        if (!File.Exists(path)) throw new FileNotFoundException($"blob {digest} not found in content store", path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Stores small content already in memory (manifests, configs) after checking its digest.</summary>
    public void Put(Digest expected, ReadOnlySpan<byte> data)
    {
        expected.Verify(data, actual => $"content digest mismatch: expected {expected}, got {actual}");
        if (!Exists(expected)) AtomicFile.WriteAllBytes(BlobPath(expected), data);
    }

    /// <summary>Removes a blob and any partial ingest of it. Returns the bytes freed.</summary>
    public long Delete(Digest digest)
    {
        long freed = GetSize(digest) ?? 0;
        File.Delete(BlobPath(digest));
        File.Delete(IngestPath(digest));
        return freed;
    }

    /// <summary>Deletes ingest files untouched for <paramref name="olderThan"/> (abandoned downloads). Returns bytes freed.</summary>
    public long RemoveStaleIngests(TimeSpan olderThan)
    {
        long freed = 0;
        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var file in new DirectoryInfo(System.IO.Path.Combine(Root, "ingest")).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc > cutoff) continue;
            try
            {
                // Skip an ingest another process is writing (it holds the file exclusively).
                using (new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                freed += file.Length;
                file.Delete();
            }
            catch (IOException) { }
        }
        return freed;
    }

    public IEnumerable<Digest> ListBlobs()
    {
        string blobs = System.IO.Path.Combine(Root, "blobs");
        foreach (var algDir in Directory.EnumerateDirectories(blobs))
            foreach (var file in Directory.EnumerateFiles(algDir))
                if (Digest.TryParse(System.IO.Path.GetFileName(algDir) + ":" + System.IO.Path.GetFileName(file), out var d))
                    yield return d;
    }

    /// <summary>
    /// Ensures the blob is present, downloading it through <paramref name="source"/> if needed.
    /// Concurrent calls for one digest share a single download; each caller's progress callback
    /// sees the bytes written so far. Returns true when this call had to fetch bytes.
    /// </summary>
    public async Task<bool> FetchAsync(Digest digest, long size, BlobSource source, Action<long>? progress, CancellationToken cancellationToken)
    {
        if (Exists(digest)) return false;
        string key = digest.ToString();
        var mine = new InflightFetch();
        var current = _inflight.GetOrAdd(key, mine);
        if (progress is not null) current.Subscribe(progress);
        if (!ReferenceEquals(current, mine))
        {
            // Someone else is downloading this digest: wait for their result.
            try { await current.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false); }
            finally { if (progress is not null) current.Unsubscribe(progress); }
            return false;
        }
        try
        {
            if (Exists(digest)) { mine.Completion.SetResult(); return false; }
            await DownloadAsync(digest, size, source, mine.Report, cancellationToken).ConfigureAwait(false);
            mine.Completion.SetResult();
            return true;
        }
        catch (Exception e)
        {
            mine.Completion.TrySetException(e);
            throw;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, InflightFetch>(key, mine));
        }
    }

    private async Task DownloadAsync(Digest digest, long size, BlobSource source, Action<long> progress, CancellationToken cancellationToken)
    {
        string ingest = IngestPath(digest);
        // FileShare.None doubles as a cross-process lock on the ingest.
        await using var file = new FileStream(ingest, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        using var hasher = digest.CreateHasher();
        long have = file.Length;
        if (have > size) { file.SetLength(0); have = 0; }
        var buffer = new byte[1 << 17];
        // Re-hash what an interrupted download left behind so the final digest covers all of it.
        file.Position = 0;
        long rehashed = 0;
        while (rehashed < have)
        {
            int n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, have - rehashed)), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            hasher.AppendData(buffer, 0, n);
            rehashed += n;
        }

        long written = have;
        if (have < size)
        {
            var response = await source(have, cancellationToken).ConfigureAwait(false);
            await using var body = response.Content;
            if (response.StartOffset != have)
            {
                if (response.StartOffset != 0)
                    throw new IOException($"blob {digest}: source resumed at {response.StartOffset}, expected {have}");
                // The source ignored the range: start over.
                file.SetLength(0);
                hasher.GetHashAndReset();
                written = 0;
            }
            file.Position = written;
            progress(written);
            while (true)
            {
                int n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                written += n;
                if (written > size)
                {
                    await DiscardAsync(file, ingest).ConfigureAwait(false);
                    throw new DigestMismatchException($"blob {digest}: received more than the expected {size} bytes");
                }
                hasher.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                progress(written);
            }
        }
        if (written < size)
            throw new IOException($"blob {digest}: connection closed after {written} of {size} bytes");

        var actual = Digest.FromHash(digest.Algorithm, hasher.GetHashAndReset());
        if (actual != digest)
        {
            await DiscardAsync(file, ingest).ConfigureAwait(false);
            throw new DigestMismatchException($"blob {digest}: digest mismatch, content hashes to {actual}; nothing was committed");
        }
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
        await file.DisposeAsync().ConfigureAwait(false);
        AtomicFile.Commit(ingest, BlobPath(digest));
    }

    private static async Task DiscardAsync(FileStream file, string path)
    {
        await file.DisposeAsync().ConfigureAwait(false);
        File.Delete(path);
    }

    /// <summary>One shared download and the progress callbacks of everyone waiting on it.</summary>
    private sealed class InflightFetch
    {
        private readonly List<Action<long>> _subscribers = [];
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Subscribe(Action<long> a) { lock (_subscribers) _subscribers.Add(a); }
        public void Unsubscribe(Action<long> a) { lock (_subscribers) _subscribers.Remove(a); }

        public void Report(long bytes)
        {
            Action<long>[] subs;
            lock (_subscribers) subs = [.. _subscribers];
            foreach (var s in subs) s(bytes);
        }
    }
}
