using Containers.Engine.Configuration;
using Containers.Engine.Events;
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
/// The engine's images: the content store (<c>data-root/content</c>), the image store (<c>data-root/image</c>), the
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
    private int _activePulls;
    private bool _gcPending;

    public Snapshotter Snapshots { get; }
    public ContentStore Content { get; }
    public ImageStore Store { get; }
    public RegistryClient Registry { get; }
    public ImagePuller Puller { get; }

    public ImageService(EngineSettings settings, Snapshotter snapshots, EventBus events, ContainerStore containers, ILogger logger)
    {
        _events = events;
        _containers = containers;
        Snapshots = snapshots;
        Content = new ContentStore(Path.Combine(settings.DataRoot, "content"));
        Store = new ImageStore(Path.Combine(settings.DataRoot, "image"), Content);
        Store.LayersReleased += _ => RequestGarbageCollection();
        var options = new RegistryOptions
        {
            Mirrors = settings.RegistryMirrors.Select(m => new Uri(m)).ToList(),
            InsecureRegistries = settings.InsecureRegistries,
            Log = settings.Debug ? message => logger.LogDebug("{Registry}", message) : null,
        };
        Registry = new RegistryClient(options, new ChainedCredentialProvider(_logins, new DockerConfigCredentialProvider(DockerConfigCredentialProvider.DefaultPath)));
        Puller = new ImagePuller(Registry, Content, Store, new SnapshotLayerUnpacker(snapshots), settings.MaxConcurrentDownloads);
        // What a crash can leave: blobs and layer snapshots of a pull that never finished, and old partial downloads
        // (recent ones are kept: the next pull resumes from them).
        Store.CollectUnreferencedBlobs();
        Content.RemoveStaleIngests(TimeSpan.FromDays(1));
        RequestGarbageCollection();
    }

    public async Task<PullResult> PullAsync(ImageReference reference, string? platform, ApiModels.AuthConfig? auth, Action<PullProgress> progress, CancellationToken cancel)
    {
        var options = new PullOptions
        {
            Platform = string.IsNullOrEmpty(platform) ? null : Containers.Images.Manifests.Platform.Parse(platform),
            Credentials = auth is { Username.Length: > 0 } ? new RegistryCredentials(auth.Username, auth.Password ?? "") : null,
        };
        lock (_gcGate) _activePulls++;
        PullResult result;
        try
        {
            result = await Puller.PullAsync(reference, options, progress, cancel);
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
        await Registry.CheckLoginAsync(registry, credentials, cancel);
        _logins.Set(registry, credentials);
        return new ApiModels.AuthResponse { Status = "Login Succeeded" };
    }

    public IReadOnlyList<DeleteResponseItem> Remove(string name, bool force)
    {
        var items = Store.Delete(name, force, Users);
        foreach (var item in items)
        {
            if (item.Untagged is { } untagged) _events.Publish(ApiModels.EventTypes.Image, "untag", untagged, new Dictionary<string, string> { ["name"] = untagged });
            if (item.Deleted is { } deleted) _events.Publish(ApiModels.EventTypes.Image, "delete", deleted, new Dictionary<string, string> { ["name"] = deleted });
        }
        return items;
    }

    public (IReadOnlyList<DeleteResponseItem> Deleted, long SpaceReclaimed) Prune(bool all, IReadOnlyDictionary<string, IReadOnlyList<string>>? labels)
    {
        var result = Store.Prune(all, Users, labels);
        _events.Publish(ApiModels.EventTypes.Image, "prune", "", new Dictionary<string, string> { ["reclaimed"] = result.SpaceReclaimed.ToString() });
        return result;
    }

    public void Tag(string source, string repository, string? tag)
    {
        Store.Tag(source, repository, tag);
        var target = ImageReference.Parse(repository + (string.IsNullOrEmpty(tag) ? "" : ":" + tag)).ToFamiliarString();
        _events.Publish(ApiModels.EventTypes.Image, "tag", Store.Get(source).Id, new Dictionary<string, string> { ["name"] = target });
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
            var roots = Store.List(all: true).SelectMany(i => i.Image.Layers.Select(l => l.ChainId));
            Snapshots.GarbageCollect(roots);
        }
    }

    /// <summary>The containers that use an image (they block its removal unless forced).</summary>
    private IReadOnlyList<ImageUser> Users(string imageId) =>
        _containers.List().Where(c => c.ImageId == imageId).Select(c => new ImageUser(c.Id, c.State.Running)).ToList();

    public void Dispose() => Registry.Dispose();
}
