using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Images.Content;
using Containers.Images.References;

namespace Containers.Images.Store;

/// <summary>
/// Image metadata: records under imagedb/&lt;alg&gt;/&lt;hex&gt;.json and references in repositories.json.
/// Every write is temp+fsync+rename, so a SIGKILL leaves either the old or the new file, never a torn one.
/// A record is written before any reference to it, so references never dangle.
/// </summary>
public sealed class ImageStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly object _lock = new();
    private readonly string _root;
    private readonly Dictionary<string, ImageRecord> _images = new(StringComparer.Ordinal);
    private Dictionary<string, ReferenceEntry> _refs = new(StringComparer.Ordinal);

    public ContentStore Content { get; }

    public ImageStore(string root, ContentStore content)
    {
        _root = Path.GetFullPath(root);
        Content = content;
        Directory.CreateDirectory(Path.Combine(_root, "imagedb"));
        foreach (var file in Directory.EnumerateFiles(_root, ".*", SearchOption.AllDirectories))
            File.Delete(file); // AtomicFile temp files left by a crash (never renamed into place)
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "imagedb"), "*.json", SearchOption.AllDirectories))
        {
            var rec = JsonSerializer.Deserialize<ImageRecord>(File.ReadAllBytes(file), Json)
                ?? throw new InvalidDataException($"image record {file} is empty");
            _images[rec.Id] = rec;
        }
        string refsPath = RefsPath;
        if (File.Exists(refsPath))
            _refs = JsonSerializer.Deserialize<Dictionary<string, ReferenceEntry>>(File.ReadAllBytes(refsPath), Json) ?? [];
        // Drop references whose record is missing (cannot happen by write order, but be defensive).
        _refs = _refs.Where(kv => _images.ContainsKey(kv.Value.ImageId)).ToDictionary(StringComparer.Ordinal);
    }

    private string RefsPath => Path.Combine(_root, "repositories.json");

    private string RecordPath(string id)
    {
        var d = Digest.Parse(id);
        return Path.Combine(_root, "imagedb", d.Algorithm, d.Hex + ".json");
    }

    private void SaveRefs() => AtomicFile.WriteAllBytes(RefsPath, JsonSerializer.SerializeToUtf8Bytes(_refs, Json));

    // ---------------------------------------------------------------- writes

    public void Put(ImageRecord record)
    {
        lock (_lock)
        {
            AtomicFile.WriteAllBytes(RecordPath(record.Id), JsonSerializer.SerializeToUtf8Bytes(record, Json));
            _images[record.Id] = record;
        }
    }

    /// <summary>Points a tag or digest reference at an image. Returns the image the reference pointed to before, if different.</summary>
    public string? SetReference(ImageReference reference, string imageId, string manifestDigest)
    {
        lock (_lock)
        {
            if (!_images.ContainsKey(imageId)) throw new ImageNotFoundException($"No such image: {imageId}");
            string key = reference.ToString();
            string? previous = _refs.TryGetValue(key, out var old) && old.ImageId != imageId ? old.ImageId : null;
            _refs[key] = new ReferenceEntry(imageId, manifestDigest);
            SaveRefs();
            return previous;
        }
    }

    /// <summary>POST /images/{name}/tag: adds repo:tag for an existing image.</summary>
    public void Tag(string source, string repository, string? tag)
    {
        var image = Get(source);
        var target = ImageReference.ParseName(repository);
        if (target.Digest is not null) throw new FormatException($"refusing to create a tag with a digest reference: {repository}");
        if (target.Tag is not null && tag is { Length: > 0 }) throw new FormatException($"invalid reference format: {repository}:{tag}");
        var full = target.Tag is not null ? target : target.WithTag(string.IsNullOrEmpty(tag) ? ImageReference.DefaultTag : tag);
        SetReference(full, image.Id, image.ManifestDigest);
    }

    // ---------------------------------------------------------------- reads

    /// <summary>
    /// Finds an image like Docker's lookup: full ID ("sha256:hex" or 64 hex), then a reference
    /// ("app" means "app:latest"), then a unique ID prefix.
    /// </summary>
    public ImageRecord? Find(string nameOrId) => Resolve(nameOrId).Image;

    /// <summary>The image and, when it was found through a reference, that reference's key.</summary>
    private (ImageRecord? Image, string? ReferenceKey) Resolve(string nameOrId)
    {
        lock (_lock)
        {
            string hex = nameOrId.StartsWith("sha256:", StringComparison.Ordinal) ? nameOrId[7..] : nameOrId;
            bool hexOnly = Regex.IsMatch(hex, "^[a-f0-9]{1,64}$");
            if (hexOnly && hex.Length == 64) return (_images.GetValueOrDefault("sha256:" + hex), null);
            if (ImageReference.TryParse(nameOrId, out var r) && _refs.TryGetValue(r!.ToString(), out var entry))
                return (_images.GetValueOrDefault(entry.ImageId), r.ToString());
            if (!hexOnly) return (null, null);
            var matches = _images.Values.Where(i => i.Id.StartsWith("sha256:" + hex, StringComparison.Ordinal)).Take(2).ToList();
            return (matches.Count == 1 ? matches[0] : null, null);
        }
    }

    public ImageRecord Get(string nameOrId) => Find(nameOrId) ?? throw new ImageNotFoundException($"No such image: {nameOrId}");

    public ImageSummary Summarize(ImageRecord image)
    {
        lock (_lock)
        {
            var mine = _refs.Where(kv => kv.Value.ImageId == image.Id).Select(kv => ImageReference.Parse(kv.Key)).ToList();
            var tags = mine.Where(r => r.Tag is not null && r.Digest is null).Select(r => r.ToFamiliarString()).Order(StringComparer.Ordinal).ToList();
            var digests = mine.Where(r => r.Digest is not null).Select(r => r.NameOnly().FamiliarName + "@" + r.Digest).Order(StringComparer.Ordinal).ToList();
            return new ImageSummary(image, tags, digests);
        }
    }

    /// <summary>Every image with its references, newest first (the engine applies the API's filters).</summary>
    public IReadOnlyList<ImageSummary> List(bool all = false)
    {
        lock (_lock) return _images.Values.Select(Summarize).OrderByDescending(s => s.Image.Created).ToList();
    }

    /// <summary>GET /images/{name}/history, newest first; layers map onto non-empty history entries.</summary>
    public IReadOnlyList<HistoryItem> History(string nameOrId)
    {
        var image = Get(nameOrId);
        var tags = Summarize(image).RepoTags;
        var history = image.Config.History ?? [];
        var items = new List<HistoryItem>();
        int layer = 0;
        foreach (var h in history)
        {
            long size = 0;
            if (!h.EmptyLayer && layer < image.Layers.Count) size = image.Layers[layer++].Size;
            items.Add(new HistoryItem("<missing>", h.Created, h.CreatedBy ?? "", size, h.Comment ?? "", []));
        }
        items.Reverse();
        if (items.Count > 0) items[0] = items[0] with { Id = image.Id, Tags = tags };
        return items;
    }

    // ---------------------------------------------------------------- delete and prune

    /// <summary>
    /// DELETE /images/{name} with Docker's semantics: a reference that is one of several on the image is
    /// only untagged; the last reference (or an ID) deletes the image. Images used by containers, or
    /// referenced in several repositories when named by ID, conflict unless forced (running: always).
    /// </summary>
    public IReadOnlyList<DeleteResponseItem> Delete(string nameOrId, bool force, Func<string, IReadOnlyList<ImageUser>>? usage = null)
    {
        lock (_lock)
        {
            var (found, referenceKey) = Resolve(nameOrId);
            var image = found ?? throw new ImageNotFoundException($"No such image: {nameOrId}");
            var users = usage?.Invoke(image.Id) ?? [];
            var items = new List<DeleteResponseItem>();
            var refsOfImage = _refs.Where(kv => kv.Value.ImageId == image.Id).Select(kv => kv.Key).ToList();

            if (referenceKey is not null)
            {
                var removed = ImageReference.Parse(referenceKey);
                _refs.Remove(removed.ToString());
                items.Add(new DeleteResponseItem(Familiar(removed), null));
                // Removing a repository's last tag also drops its digest references (as Docker does).
                if (removed.Digest is null && !_refs.Any(kv => kv.Value.ImageId == image.Id && IsTagOf(kv.Key, removed.Name)))
                    foreach (var r in _refs.Where(kv => kv.Value.ImageId == image.Id && ImageReference.Parse(kv.Key) is { Digest: not null } p && p.Name == removed.Name).Select(kv => kv.Key).ToList())
                    {
                        _refs.Remove(r);
                        items.Add(new DeleteResponseItem(Familiar(ImageReference.Parse(r)), null));
                    }
                SaveRefs();
                // Other references remain, or a container still uses it: untagging was the whole job.
                if (_refs.Values.Any(v => v.ImageId == image.Id) || users.Count > 0) return items;
                RemoveImage(image);
                items.Add(new DeleteResponseItem(null, image.Id));
                return items;
            }
            if (!force)
            {
                var repos = refsOfImage.Select(r => ImageReference.Parse(r).Name).Distinct().ToList();
                if (repos.Count > 1)
                    throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (must be forced) - image is referenced in multiple repositories");
            }
            var running = users.FirstOrDefault(u => u.Running);
            if (running is not null)
                throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (cannot be forced) - image is being used by running container {Short(running.ContainerId)}");
            if (users.Count > 0 && !force)
                throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (must be forced) - image is being used by stopped container {Short(users[0].ContainerId)}");

            foreach (var r in refsOfImage.Order(StringComparer.Ordinal))
            {
                _refs.Remove(r);
                items.Add(new DeleteResponseItem(Familiar(ImageReference.Parse(r)), null));
            }
            SaveRefs();
            RemoveImage(image); // forced past stopped containers, as `docker rmi -f` is
            items.Add(new DeleteResponseItem(null, image.Id));
            return items;
        }
    }

    private static string Familiar(ImageReference r) => r.Digest is null ? r.ToFamiliarString() : r.NameOnly().FamiliarName + "@" + r.Digest;

    private static bool IsTagOf(string key, string name) => ImageReference.Parse(key) is { Digest: null } p && p.Name == name;

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>Chain IDs that no image uses any more after a delete; the engine removes their snapshots.</summary>
    public event Action<IReadOnlyList<string>>? LayersReleased;

    private long RemoveImage(ImageRecord image)
    {
        File.Delete(RecordPath(image.Id));
        AtomicFile.FsyncDirectory(Path.GetDirectoryName(RecordPath(image.Id))!);
        _images.Remove(image.Id);
        long freed = 0;
        var stillUsedBlobs = _images.Values.SelectMany(i => i.Layers.Select(l => l.Digest).Append(i.Id).Append(i.ManifestDigest)).ToHashSet(StringComparer.Ordinal);
        stillUsedBlobs.UnionWith(_refs.Values.Select(r => r.ManifestDigest));
        foreach (var blob in image.Layers.Select(l => l.Digest).Append(image.Id).Append(image.ManifestDigest).Distinct())
            if (!stillUsedBlobs.Contains(blob)) freed += Content.Delete(Digest.Parse(blob));
        var stillUsedChains = _images.Values.SelectMany(i => i.Layers.Select(l => l.ChainId)).ToHashSet(StringComparer.Ordinal);
        var released = image.Layers.Select(l => l.ChainId).Where(c => !stillUsedChains.Contains(c)).Distinct().ToList();
        if (released.Count > 0) LayersReleased?.Invoke(released);
        return freed + image.Size;
    }

    /// <summary>
    /// Deletes content-store blobs no image record or reference uses (leftovers of failed pulls).
    /// Call only while no pull is running, e.g. at engine start: a pull commits blobs before its record.
    /// </summary>
    public long CollectUnreferencedBlobs()
    {
        lock (_lock)
        {
            var used = _images.Values.SelectMany(i => i.Layers.Select(l => l.Digest).Append(i.Id).Append(i.ManifestDigest))
                .Concat(_refs.Values.Select(r => r.ManifestDigest)).ToHashSet(StringComparer.Ordinal);
            long freed = 0;
            foreach (var blob in Content.ListBlobs().ToList())
                if (!used.Contains(blob.ToString())) freed += Content.Delete(blob);
            return freed;
        }
    }

    /// <summary>POST /images/prune: removes dangling images (all unused ones with <paramref name="all"/>).</summary>
    /// <param name="matches">The caller's filter (the engine's label filter); null prunes every candidate.</param>
    public (IReadOnlyList<DeleteResponseItem> Deleted, long SpaceReclaimed) Prune(bool all, Func<string, IReadOnlyList<ImageUser>>? usage = null,
        Func<ImageSummary, bool>? matches = null)
    {
        lock (_lock)
        {
            var items = new List<DeleteResponseItem>();
            long reclaimed = 0;
            var candidates = List(all: true).Where(s => (all || s.RepoTags.Count == 0) && (matches?.Invoke(s) ?? true)).ToList();
            foreach (var s in candidates)
            {
                if ((usage?.Invoke(s.Image.Id) ?? []).Count > 0) continue;
                foreach (var r in _refs.Where(kv => kv.Value.ImageId == s.Image.Id).Select(kv => kv.Key).ToList())
                {
                    _refs.Remove(r);
                    items.Add(new DeleteResponseItem(ImageReference.Parse(r).ToFamiliarString(), null));
                }
                SaveRefs();
                reclaimed += RemoveImage(s.Image);
                items.Add(new DeleteResponseItem(null, s.Image.Id));
            }
            return (items, reclaimed);
        }
    }
}
