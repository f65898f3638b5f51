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

    // ---------------------------------------------------------------- record-level removal (the engine applies Docker's rmi/prune rules)

    /// <summary>
    /// Finds an image like <see cref="Find"/> and says which reference named it (null when named by ID).
    /// </summary>
    public (ImageRecord? Image, ImageReference? Reference) Lookup(string nameOrId)
    {
        var (image, key) = Resolve(nameOrId);
        return (image, key is null ? null : ImageReference.Parse(key));
    }

    /// <summary>Every tag and digest reference that points at the image, in ordinal order of their full names.</summary>
    public IReadOnlyList<ImageReference> ReferencesOf(string imageId)
    {
        lock (_lock)
            return _refs.Where(kv => kv.Value.ImageId == imageId).Select(kv => kv.Key).Order(StringComparer.Ordinal).Select(ImageReference.Parse).ToList();
    }

    /// <summary>Removes references; the images they pointed at stay (possibly dangling).</summary>
    public void Untag(IEnumerable<ImageReference> references)
    {
        lock (_lock)
        {
            foreach (var r in references) _refs.Remove(r.ToString());
            SaveRefs();
        }
    }

    /// <summary>
    /// Removes an image record and the content-store blobs nothing else uses. Returns the space reclaimed and the layer
    /// chain IDs no remaining image uses (their snapshots may go). References to the image must be removed first.
    /// </summary>
    public (long Reclaimed, IReadOnlyList<string> ReleasedChains) Remove(ImageRecord image)
    {
        lock (_lock)
        {
            if (_refs.Values.Any(v => v.ImageId == image.Id))
                throw new ImageConflictException($"conflict: unable to delete {image.ShortId} - the image was tagged meanwhile");
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
            return (freed + image.Size, released);
        }
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
}
