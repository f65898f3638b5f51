using System.Text;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Store;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// A real image store and content store in a temporary directory, with images added record by record (their blobs
/// exist in the content store). Shared by the store's tests and the engine's rmi/prune rule tests.
/// </summary>
public sealed class ImageStoreFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public ContentStore Content { get; private set; }
    public ImageStore Store { get; private set; }
    public string Root => _dir.Path;

    public ImageStoreFixture()
    {
        Content = new ContentStore(Path.Combine(_dir.Path, "content"));
        Store = new ImageStore(Path.Combine(_dir.Path, "images"), Content);
    }

    /// <summary>Opens the stores again from disk, as an engine restart does.</summary>
    public void Reopen()
    {
        Content = new ContentStore(Path.Combine(_dir.Path, "content"));
        Store = new ImageStore(Path.Combine(_dir.Path, "images"), Content);
    }

    private Digest Blob(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var d = Digest.Sha256Of(bytes);
        Content.Put(d, bytes);
        return d;
    }

    /// <summary>Adds an image whose blobs exist in the content store; layers named by text are shared by name.</summary>
    public ImageRecord AddImage(string name, string[] layers, int createdDay, Dictionary<string, string>? labels = null, params string[] references)
    {
        var diffIds = layers.Select(l => Digest.Sha256Of("diff " + l).ToString()).ToList();
        var chain = Pull.ChainId.Compute(diffIds);
        var config = new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Created = new DateTimeOffset(2024, 1, createdDay, 0, 0, 0, TimeSpan.Zero),
            Config = new ContainerConfig { Labels = labels, Cmd = ["sh"] },
            RootFs = new RootFs { DiffIds = diffIds },
        };
        var record = new ImageRecord
        {
            Id = Blob("config " + name).ToString(),
            ManifestDigest = Blob("manifest " + name).ToString(),
            ManifestMediaType = MediaTypes.OciManifest,
            Config = config,
            Layers = layers.Select((l, i) => new LayerRecord { Digest = Blob("layer " + l).ToString(), MediaType = MediaTypes.OciLayerGzip, Size = 10, DiffId = diffIds[i], ChainId = chain[i], UncompressedSize = 100 }).ToList(),
            Size = 100 * layers.Length,
            Created = config.Created.Value,
        };
        Store.Put(record);
        foreach (var r in references) Store.SetReference(ImageReference.Parse(r), record.Id, record.ManifestDigest);
        return record;
    }

    public void Dispose() => _dir.Dispose();
}
