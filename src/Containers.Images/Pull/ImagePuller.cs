using System.Collections.Concurrent;
using System.Text.Json;
using Containers.Images.Compression;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Store;
using Containers.Images.IO;

namespace Containers.Images.Pull;

/// <summary>Per-pull choices (the query of POST /images/create plus X-Registry-Auth).</summary>
public sealed record PullOptions
{
    /// <summary>Wanted platform; null means the host's (linux/amd64 here).</summary>
    public Platform? Platform { get; init; }
    /// <summary>Credentials for this pull only (X-Registry-Auth, -Credential); else the provider's.</summary>
    public RegistryCredentials? Credentials { get; init; }
}

public sealed record PullResult(ImageRecord Image, ImageReference Reference, Digest ManifestDigest, bool Downloaded);

/// <summary>
/// Pulls an image: manifest (platform chosen from an index), config, then layers: up to
/// <c>maxConcurrentDownloads</c> blobs at once into the content store, handed in order to the
/// <see cref="ILayerUnpacker"/>, then the image record and references. Docker-shaped progress throughout.
/// </summary>
public sealed class ImagePuller(RegistryClient registry, ContentStore content, ImageStore images, ILayerUnpacker unpacker, int maxConcurrentDownloads = 3)
{
    private const long MaxConfigBytes = 8 * 1024 * 1024;
    private readonly SemaphoreSlim _downloadSlots = new(Math.Max(1, maxConcurrentDownloads));
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> _unpacking = new();

    public async Task<PullResult> PullAsync(string reference, PullOptions? options = null, Action<PullProgress>? progress = null, CancellationToken cancellationToken = default)
        => await PullAsync(ImageReference.Parse(reference), options, progress, cancellationToken).ConfigureAwait(false);

    public async Task<PullResult> PullAsync(ImageReference reference, PullOptions? options = null, Action<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new PullOptions();
        // Downloads report from several threads; callers get one event at a time, in a consistent order.
        var gate = new object();
        Action<PullProgress> report = progress is null ? _ => { } : p => { lock (gate) progress(p); };
        var creds = options.Credentials;
        report(new PullProgress(reference.Tag ?? reference.Digest?.ToString(), "Pulling from " + reference.Path));

        var top = await registry.GetManifestAsync(reference, reference.ManifestReference, creds, cancellationToken).ConfigureAwait(false);
        content.Put(top.Digest, top.Bytes);
        var manifestResponse = top;
        if (top.Parsed.Index is { } index)
        {
            var chosen = ManifestParser.SelectPlatform(index, options.Platform ?? Platform.Default);
            manifestResponse = await registry.GetManifestAsync(reference, chosen.Digest, creds, cancellationToken).ConfigureAwait(false);
            if (manifestResponse.Parsed.Manifest is null)
                throw new UnsupportedManifestException($"index entry {chosen.Digest} of {reference} is not an image manifest");
            content.Put(manifestResponse.Digest, manifestResponse.Bytes);
        }
        var manifest = manifestResponse.Parsed.Manifest!;

        var configDigest = Digest.Parse(manifest.Config.Digest);
        if (manifest.Config.Size is <= 0 or > MaxConfigBytes)
            throw new UnsupportedManifestException($"image config {configDigest} of {reference} has size {manifest.Config.Size}; at most {MaxConfigBytes} bytes are accepted");
        // Through the content store like the layers, so concurrent pulls of one image fetch the config once too.
        await content.FetchAsync(configDigest, manifest.Config.Size,
            (offset, ct) => registry.OpenBlobAsync(reference, configDigest, offset, creds, ct), null, cancellationToken).ConfigureAwait(false);
        byte[] configBytes = content.ReadAllBytes(configDigest);
        ImageConfig config;
        try { config = JsonSerializer.Deserialize<ImageConfig>(configBytes) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new UnsupportedManifestException($"image config {configDigest} of {reference} is invalid: {e.Message}"); }
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
            throw new UnsupportedManifestException($"image config {configDigest} of {reference} lists {config.RootFs.DiffIds.Count} diff IDs for {manifest.Layers.Count} layers");

        var chainIds = ChainId.Compute(config.RootFs.DiffIds);
        var layers = manifest.Layers;
        var needed = new bool[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            needed[i] = !unpacker.HasLayer(chainIds[i]);
            report(new PullProgress(Digest.Parse(layers[i].Digest).ShortHex, needed[i] ? PullProgress.PullingFsLayer : PullProgress.AlreadyExists));
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var downloads = new Task<bool>?[layers.Count];
        for (int i = 0; i < layers.Count; i++)
            if (needed[i]) downloads[i] = DownloadLayerAsync(reference, layers[i], creds, report, failFast.Token);

        var sizes = new long[layers.Count];
        bool downloadedAny = false;
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                if (!needed[i]) { sizes[i] = KnownUncompressedSize(chainIds[i]); continue; }
                downloadedAny |= await downloads[i]!.ConfigureAwait(false);
                sizes[i] = await UnpackOnceAsync(layers[i], config.RootFs.DiffIds[i], chainIds[i], i == 0 ? null : chainIds[i - 1], report, failFast.Token).ConfigureAwait(false);
                downloadedAny = true;
                report(new PullProgress(Digest.Parse(layers[i].Digest).ShortHex, PullProgress.PullComplete));
            }
        }
        catch
        {
            failFast.Cancel();
            foreach (var d in downloads) if (d is not null) try { await d.ConfigureAwait(false); } catch { /* reported through the first failure */ }
            throw;
        }

        var record = new ImageRecord
        {
            Id = configDigest.ToString(),
            ManifestDigest = manifestResponse.Digest.ToString(),
            ManifestMediaType = manifestResponse.MediaType,
            Config = config,
            Layers = layers.Select((l, i) => new LayerRecord { Digest = l.Digest, MediaType = l.MediaType, Size = l.Size, DiffId = config.RootFs.DiffIds[i], ChainId = chainIds[i], UncompressedSize = sizes[i] }).ToList(),
            ContentSize = layers.Sum(l => l.Size) + configBytes.Length,
            Size = sizes.Sum(),
            Created = config.Created ?? DateTimeOffset.UnixEpoch,
            PulledAt = DateTimeOffset.UtcNow,
        };
        var before = images.Find(record.Id);
        images.Put(before is null ? record : record with { PulledAt = before.PulledAt });
        string? previousForTag = reference.Tag is not null ? images.Find(reference.ToString())?.Id : null;
        if (reference.Tag is not null) images.SetReference(reference, record.Id, top.Digest.ToString());
        images.SetReference(reference.NameOnly().WithDigest(top.Digest), record.Id, top.Digest.ToString());

        bool newer = downloadedAny || before is null || (reference.Tag is not null && previousForTag != record.Id);
        report(new PullProgress(null, "Digest: " + top.Digest));
        report(new PullProgress(null, (newer ? "Status: Downloaded newer image for " : "Status: Image is up to date for ") + reference.ToFamiliarString()));
        return new PullResult(images.Get(record.Id), reference, top.Digest, newer);
    }

    /// <summary>Uncompressed size of a layer some earlier pull recorded (0 if none did).</summary>
    private long KnownUncompressedSize(string chainId) =>
        images.List(all: true).SelectMany(s => s.Image.Layers).FirstOrDefault(l => l.ChainId == chainId)?.UncompressedSize ?? 0;

    private async Task<bool> DownloadLayerAsync(ImageReference reference, Descriptor layer, RegistryCredentials? creds, Action<PullProgress> report, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var digest = Digest.Parse(layer.Digest);
        string id = digest.ShortHex;
        if (content.Exists(digest)) { report(new PullProgress(id, PullProgress.DownloadComplete)); return false; }
        if (!_downloadSlots.Wait(0))
        {
            report(new PullProgress(id, PullProgress.Waiting));
            await _downloadSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            long lastReported = -1;
            void OnBytes(long n)
            {
                // Throttle: every 512 KiB and at the end, like Docker's progress reader.
                if (n == layer.Size || n - Interlocked.Read(ref lastReported) >= 512 * 1024)
                {
                    Interlocked.Exchange(ref lastReported, n);
                    report(new PullProgress(id, PullProgress.Downloading, n, layer.Size));
                }
            }
            bool fetched = false;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    fetched = await content.FetchAsync(digest, layer.Size, (offset, ct) => OpenLayerAsync(reference, layer, digest, offset, creds, ct), OnBytes, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (IOException e) when (e is not DigestMismatchException && attempt < 3 && !cancellationToken.IsCancellationRequested)
                {
                    // Connection dropped mid-blob: the ingest file keeps what arrived; resume from there.
                }
            }
            report(new PullProgress(id, PullProgress.VerifyingChecksum));
            report(new PullProgress(id, PullProgress.DownloadComplete));
            return fetched;
        }
        finally { _downloadSlots.Release(); }
    }

    /// <summary>Non-distributable layers come from their descriptor URLs when given (OCI spec), else the registry.</summary>
    private async Task<BlobSourceResponse> OpenLayerAsync(ImageReference reference, Descriptor layer, Digest digest, long offset, RegistryCredentials? creds, CancellationToken ct)
    {
        if (MediaTypes.IsNonDistributable(layer.MediaType) && layer.Urls is { Count: > 0 } urls)
        {
            Exception? last = null;
            foreach (var u in urls)
            {
                if (!Uri.TryCreate(u, UriKind.Absolute, out var uri)) { last = new RegistryException($"layer {digest} has an invalid URL \"{u}\""); continue; }
                try { return await registry.OpenUrlAsync(uri, offset, ct).ConfigureAwait(false); }
                catch (RegistryException e) { last = e; }
            }
            try { return await registry.OpenBlobAsync(reference, digest, offset, creds, ct).ConfigureAwait(false); }
            catch (RegistryNotFoundException) when (last is not null) { throw last; }
        }
        return await registry.OpenBlobAsync(reference, digest, offset, creds, ct).ConfigureAwait(false);
    }

    /// <summary>Unpacks one chain ID once even when concurrent pulls share it.</summary>
    private Task<long> UnpackOnceAsync(Descriptor layer, string diffId, string chainId, string? parent, Action<PullProgress> report, CancellationToken cancellationToken)
    {
        var lazy = _unpacking.GetOrAdd(chainId, _ => new Lazy<Task<long>>(() => UnpackAsync(layer, diffId, chainId, parent, report, cancellationToken)));
        var task = lazy.Value;
        _ = task.ContinueWith(_ => _unpacking.TryRemove(new KeyValuePair<string, Lazy<Task<long>>>(chainId, lazy)), TaskScheduler.Default);
        return task.WaitAsync(cancellationToken);
    }

    private async Task<long> UnpackAsync(Descriptor layer, string diffId, string chainId, string? parent, Action<PullProgress> report, CancellationToken cancellationToken)
    {
        if (unpacker.HasLayer(chainId)) return 0;
        var digest = Digest.Parse(layer.Digest);
        string id = digest.ShortHex;
        await using var blob = content.OpenRead(digest);
        var counting = new CountingReadStream(blob, n => report(new PullProgress(id, PullProgress.Extracting, n, layer.Size)), reportEveryBytes: 1024 * 1024);
        await using var verifying = new DiffIdVerifyingStream(LayerCompression.Decompress(counting, layer.MediaType), Digest.Parse(diffId));
        long size = await unpacker.UnpackAsync(chainId, parent, verifying, diffId, cancellationToken).ConfigureAwait(false);
        await verifying.DrainAndVerifyAsync(cancellationToken).ConfigureAwait(false);
        return size > 0 ? size : verifying.BytesRead;
    }
}
