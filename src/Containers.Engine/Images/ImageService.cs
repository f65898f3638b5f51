using Containers.Engine.Configuration;
using Containers.Engine.Events;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;
using Containers.Images.Content;
using Containers.Images.Pull;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Store;
using Containers.Snapshots;
using ApiModels = Containers.Api;

namespace Containers.Engine.Images;

/// <summary>
/// The images backend of the API. It owns the content store (<c>data-root/content</c>), the image store (<c>data-root/image</c>), the
/// registry client configured from the daemon settings, and the puller that feeds layers to the unpacker.
/// Credentials are looked up per request (X-Registry-Auth), then from logins made through <c>POST /auth</c>, then
/// from root's Docker config.json.
/// </summary>
public sealed class ImageService : IDisposable
{
    private readonly EventBus _events;
    private readonly ContainerStore _containers;
    private readonly InMemoryCredentialProvider _logins = new();

    private readonly Lock _gcGate = new();
    private readonly Lock _removeGate = new(); // one rmi/prune decides at a time (the store locks per record operation)
    private int _activePulls;
    private bool _gcPending;

    private readonly Snapshotter _snapshots;
    private readonly ContentStore _content;
    private readonly ImageStore _store;
    private readonly RegistryClient _registry;
    private readonly ImagePuller _puller;

    public ImageService(EngineSettings settings, Snapshotter snapshots, EventBus events, ContainerStore containers, ILogger logger)
    {
        _events = events;
        _containers = containers;
        _snapshots = snapshots;
        _content = new ContentStore(Path.Combine(settings.DataRoot, "content"));
        _store = new ImageStore(Path.Combine(settings.DataRoot, "image"), _content);
        var options = new RegistryOptions
        {
            Mirrors = settings.RegistryMirrors.Select(m => new Uri(m)).ToList(),
            InsecureRegistries = settings.InsecureRegistries,
            Log = settings.Debug ? message => logger.LogDebug("{Registry}", message) : null,
        };
        _registry = new RegistryClient(options, new ChainedCredentialProvider(_logins, new DockerConfigCredentialProvider(DockerConfigCredentialProvider.DefaultPath)));
        _puller = new ImagePuller(_registry, _content, _store, new SnapshotLayerUnpacker(snapshots), settings.MaxConcurrentDownloads);
        // What a crash can leave: blobs and layer snapshots of a pull that never finished, and old partial downloads
        // (recent ones are kept: the next pull resumes from them).
        _store.CollectUnreferencedBlobs();
        _content.RemoveStaleIngests(TimeSpan.FromDays(1));
        RequestGarbageCollection();
    }

    public async Task<PullResult> PullAsync(ImageReference reference, string? platform, ApiModels.AuthConfig? auth, Action<PullProgress> progress, CancellationToken cancel)
    {
        var options = new PullOptions
        {
            Platform = string.IsNullOrEmpty(platform) ? null : Containers.Images.Manifests.Platform.Parse(platform),
            Credentials = Credentials(auth),
        };
        lock (_gcGate) _activePulls++;
        PullResult result;
        try
        {
            result = await _puller.PullAsync(reference, options, progress, cancel);
        }
        finally
        {
            bool collect;
            lock (_gcGate) collect = --_activePulls == 0 && _gcPending;
            if (collect) RequestGarbageCollection();
        }
        _events.Publish(ApiModels.EventTypes.Image, "pull", reference.ToFamiliarString(),
            new Dictionary<string, string> { ["name"] = reference.FamiliarName });
        return result;
    }

    /// <summary><c>POST /auth</c>: checks the credentials against the registry and remembers them for later pulls.</summary>
    public async Task<ApiModels.AuthResponse> LoginAsync(ApiModels.AuthConfig auth, CancellationToken cancel)
    {
        var registry = string.IsNullOrEmpty(auth.ServerAddress) ? ImageReference.DefaultDomain : RegistryHostName.Normalize(auth.ServerAddress);
        var credentials = new RegistryCredentials(auth.Username ?? "", auth.Password ?? "");
        await _registry.CheckLoginAsync(registry, credentials, cancel);
        _logins.Set(registry, credentials);
        return new ApiModels.AuthResponse { Status = "Login Succeeded" };
    }

    /// <summary>The image a name or ID resolves to, by Docker's lookup order (not found when none).</summary>
    public ImageRecord Resolve(string nameOrId) => _store.Get(nameOrId);

    /// <summary>The storage driver's name and its status lines, for inspect and <c>/info</c>.</summary>
    public string StorageDriver => _snapshots.Driver;

    public List<string[]> DriverStatus() => [["Snapshots", _snapshots.List().Count.ToString()], ["Root", _snapshots.Root]];

    public int Count => _store.List(all: true).Count;

    /// <summary><c>GET /images/json</c>, newest first, with Docker's filters.</summary>
    public List<ApiModels.ImageSummary> List(FilterArgs filters)
    {
        var filter = ImageListFilter.From(filters, _store.Get);
        return _store.List(all: true).Where(filter.Matches).OrderByDescending(s => s.Image.Created).Select(ImageViews.Summary).ToList();
    }

    public ApiModels.ImageInspect Inspect(string nameOrId) => ImageViews.Inspect(_store.Summarize(_store.Get(nameOrId)), StorageDriver);

    public List<ApiModels.ImageHistoryItem> History(string nameOrId) => _store.History(nameOrId).Select(ImageViews.History).ToList();

    /// <summary><c>GET /distribution/{name}/json</c>: the registry's descriptor and platforms of an image, without pulling it.</summary>
    public async Task<ApiModels.DistributionInspect> InspectDistributionAsync(string name, ApiModels.AuthConfig? auth, CancellationToken cancel)
    {
        var (descriptor, platforms) = await _registry.InspectDistributionAsync(ImageReference.Parse(name), Credentials(auth), cancel);
        return new ApiModels.DistributionInspect
        {
            Descriptor = new ApiModels.OciDescriptor { MediaType = descriptor.MediaType, Digest = descriptor.Digest, Size = descriptor.Size },
            Platforms = platforms.Select(p => new ApiModels.OciPlatform { Architecture = p.Architecture, Os = p.Os, Variant = p.Variant, OsVersion = p.OsVersion }).ToList(),
        };
    }

    /// <summary>
    /// <c>DELETE /images/{name}</c>. <paramref name="noPrune"/> asks to keep untagged parent images; images here are only
    /// ever pulled (no build or commit yet), so none has a parent image and both values delete exactly the same.
    /// </summary>
    public List<ApiModels.ImageDeleteItem> Remove(string name, bool force, bool noPrune)
    {
        _ = noPrune;
        IReadOnlyList<DeleteResponseItem> items;
        lock (_removeGate) items = Delete(_store, name, force, Users, ReleaseSnapshots).Items;
        foreach (var item in items)
        {
            if (item.Untagged is { } untagged) _events.Publish(ApiModels.EventTypes.Image, "untag", untagged, new Dictionary<string, string> { ["name"] = untagged });
            if (item.Deleted is { } deleted) _events.Publish(ApiModels.EventTypes.Image, "delete", deleted, new Dictionary<string, string> { ["name"] = deleted });
        }
        return items.Select(ImageViews.Delete).ToList();
    }

    /// <summary><c>POST /images/prune</c>: dangling images, or all unused ones with <c>dangling=false</c>; every label term must hold.</summary>
    public ApiModels.ImagePruneResponse Prune(FilterArgs filters)
    {
        filters.Validate(ImageListFilter.PruneKeys);
        var all = !filters.GetBoolOrDefault("dangling", true);
        Removal removal;
        lock (_removeGate) removal = Prune(_store, all, Users, s => filters.MatchKVList("label", s.Image.Labels), ReleaseSnapshots);
        _events.Publish(ApiModels.EventTypes.Image, "prune", "", new Dictionary<string, string> { ["reclaimed"] = removal.Reclaimed.ToString() });
        return new ApiModels.ImagePruneResponse { ImagesDeleted = removal.Items.Select(ImageViews.Delete).ToList(), SpaceReclaimed = removal.Reclaimed };
    }

    // ---------------------------------------------------------------- Docker's rmi and prune rules over the store's records

    /// <summary>What a delete or prune did: the response items, the space reclaimed.</summary>
    internal sealed record Removal(IReadOnlyList<DeleteResponseItem> Items, long Reclaimed);

    /// <summary>
    /// Docker's rmi: a reference that is one of several on the image is only untagged; the last reference (or an ID)
    /// deletes the image. Images used by containers, or referenced in several repositories when named by ID, conflict
    /// unless forced (a running container's image: always). <paramref name="release"/> gets the layer chains no image uses any more.
    /// </summary>
    internal static Removal Delete(ImageStore store, string nameOrId, bool force, Func<string, IReadOnlyList<ImageUser>> usage,
        Action<IReadOnlyList<string>> release)
    {
        var (found, named) = store.Lookup(nameOrId);
        var image = found ?? throw new ImageNotFoundException($"No such image: {nameOrId}");
        var users = usage(image.Id);
        var items = new List<DeleteResponseItem>();
        var refsOfImage = store.ReferencesOf(image.Id);

        if (named is not null)
        {
            var untag = new List<ImageReference> { named };
            // Removing a repository's last tag also drops its digest references (as Docker does).
            var rest = refsOfImage.Where(r => r.ToString() != named.ToString()).ToList();
            if (named.Digest is null && !rest.Any(r => r.Digest is null && r.Name == named.Name))
                untag.AddRange(rest.Where(r => r.Digest is not null && r.Name == named.Name));
            store.Untag(untag);
            items.AddRange(untag.Select(r => new DeleteResponseItem(Familiar(r), null)));
            // Other references remain, or a container still uses it: untagging was the whole job.
            if (store.ReferencesOf(image.Id).Count > 0 || users.Count > 0) return new Removal(items, 0);
            items.Add(new DeleteResponseItem(null, image.Id));
            return new Removal(items, RemoveRecord(store, image, release));
        }
        if (!force && refsOfImage.Select(r => r.Name).Distinct().Count() > 1)
            throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (must be forced) - image is referenced in multiple repositories");
        var running = users.FirstOrDefault(u => u.Running);
        if (running is not null)
            throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (cannot be forced) - image is being used by running container {Short(running.ContainerId)}");
        if (users.Count > 0 && !force)
            throw new ImageConflictException($"conflict: unable to delete {image.ShortId} (must be forced) - image is being used by stopped container {Short(users[0].ContainerId)}");

        store.Untag(refsOfImage);
        items.AddRange(refsOfImage.Select(r => new DeleteResponseItem(Familiar(r), null)));
        items.Add(new DeleteResponseItem(null, image.Id)); // forced past stopped containers, as `docker rmi -f` is
        return new Removal(items, RemoveRecord(store, image, release));
    }

    /// <summary>
    /// Docker's image prune: removes dangling images (all unused ones with <paramref name="all"/>) that <paramref name="matches"/>
    /// accepts; images used by any container stay.
    /// </summary>
    internal static Removal Prune(ImageStore store, bool all, Func<string, IReadOnlyList<ImageUser>> usage, Func<ImageSummary, bool> matches,
        Action<IReadOnlyList<string>> release)
    {
        var items = new List<DeleteResponseItem>();
        long reclaimed = 0;
        foreach (var s in store.List(all: true).Where(s => (all || s.RepoTags.Count == 0) && matches(s)).ToList())
        {
            if (usage(s.Image.Id).Count > 0) continue;
            var refs = store.ReferencesOf(s.Image.Id);
            store.Untag(refs);
            items.AddRange(refs.Select(r => new DeleteResponseItem(r.ToFamiliarString(), null)));
            reclaimed += RemoveRecord(store, s.Image, release);
            items.Add(new DeleteResponseItem(null, s.Image.Id));
        }
        return new Removal(items, reclaimed);
    }

    private static long RemoveRecord(ImageStore store, ImageRecord image, Action<IReadOnlyList<string>> release)
    {
        var (reclaimed, released) = store.Remove(image);
        if (released.Count > 0) release(released);
        return reclaimed;
    }

    private static string Familiar(ImageReference r) => r.Digest is null ? r.ToFamiliarString() : r.NameOnly().FamiliarName + "@" + r.Digest;

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>The snapshots of released layers go with the next garbage collection (deferred while a pull runs).</summary>
    private void ReleaseSnapshots(IReadOnlyList<string> chainIds) => RequestGarbageCollection();

    public void Tag(string source, string repository, string? tag)
    {
        _store.Tag(source, repository, tag);
        var target = ImageReference.Parse(repository + (string.IsNullOrEmpty(tag) ? "" : ":" + tag)).ToFamiliarString();
        _events.Publish(ApiModels.EventTypes.Image, "tag", _store.Get(source).Id, new Dictionary<string, string> { ["name"] = target });
    }

    /// <summary>
    /// Removes layer snapshots no image or container uses. Deferred while any pull runs: a pull commits layers before
    /// its image record exists, and those layers must not be collected under it.
    /// </summary>
    public void RequestGarbageCollection()
    {
        lock (_gcGate)
        {
            if (_activePulls > 0)
            {
                _gcPending = true;
                return;
            }
            _gcPending = false;
            var roots = _store.List(all: true).SelectMany(i => i.Image.Layers.Select(l => l.ChainId));
            _snapshots.GarbageCollect(roots);
        }
    }

    /// <summary>The containers that use an image (they block its removal unless forced).</summary>
    private IReadOnlyList<ImageUser> Users(string imageId) =>
        _containers.List().Where(c => c.ImageId == imageId).Select(c => new ImageUser(c.Id, c.Status.IsRunning)).ToList();

    private static RegistryCredentials? Credentials(ApiModels.AuthConfig? auth) =>
        auth is { Username.Length: > 0 } ? new RegistryCredentials(auth.Username, auth.Password ?? "") : null;

    public void Dispose() => _registry.Dispose();
}
