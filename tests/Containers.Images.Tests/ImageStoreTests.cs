using System.Text;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Store;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Image records and references on a real filesystem: tags, delete/untag, prune, filters, persistence.</summary>
public sealed class ImageStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private ContentStore _content;
    private ImageStore _store;

    public ImageStoreTests()
    {
        _content = new ContentStore(Path.Combine(_dir.Path, "content"));
        _store = new ImageStore(Path.Combine(_dir.Path, "images"), _content);
    }

    public void Dispose() => _dir.Dispose();

    private void Reopen()
    {
        _content = new ContentStore(Path.Combine(_dir.Path, "content"));
        _store = new ImageStore(Path.Combine(_dir.Path, "images"), _content);
    }

    private Digest Blob(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var d = Digest.Sha256Of(bytes);
        _content.Put(d, bytes);
        return d;
    }

    /// <summary>Adds an image whose blobs exist in the content store; layers named by text are shared by name.</summary>
    private ImageRecord AddImage(string name, string[] layers, int createdDay, Dictionary<string, string>? labels = null, params string[] references)
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
        _store.Put(record);
        foreach (var r in references) _store.SetReference(ImageReference.Parse(r), record.Id, record.ManifestDigest);
        return record;
    }

    [Fact]
    public void Records_and_references_survive_reopening_and_crash_leftovers_are_ignored()
    {
        var img = AddImage("a", ["base", "top"], 1, null, "app:v1", "example.com/team/app:v2");
        File.WriteAllText(Path.Combine(_dir.Path, "images", "imagedb", "sha256", ".half-written.json.tmp.json"), "{ torn");
        Reopen();
        var summary = _store.Summarize(_store.Get("app:v1"));
        Assert.Equal(img.Id, summary.Image.Id);
        Assert.Equal(["app:v1", "example.com/team/app:v2"], summary.RepoTags);
        Assert.Equal(img.Id, _store.Get(img.Id).Id);
        Assert.Equal(img.Id, _store.Get(img.ShortId).Id);
        Assert.Equal(img.Id, _store.Get(img.Id["sha256:".Length..]).Id);
        Assert.Equal(img.Config.RootFs.DiffIds, summary.Image.Config.RootFs.DiffIds);
        Assert.Null(_store.Find("other:v1"));
        Assert.Equal("No such image: other:v1", Assert.Throws<ImageNotFoundException>(() => _store.Get("other:v1")).Message);
    }

    [Fact]
    public void Tag_adds_a_reference_and_moving_a_tag_leaves_the_old_image_dangling()
    {
        var a = AddImage("a", ["a1"], 1, null, "app:latest");
        _store.Tag("app", "example.com/app", "prod");
        Assert.Equal(["app:latest", "example.com/app:prod"], _store.Summarize(a).RepoTags);
        Assert.Throws<ReferenceFormatException>(() => _store.Tag("app", "Bad Name", null));

        Assert.Equal([new DeleteResponseItem("example.com/app:prod", null)], _store.Delete("example.com/app:prod", force: false));

        // Pulling a newer app:latest moves the tag; the old image stays, dangling.
        var b = AddImage("b", ["b1"], 2, null);
        string? previous = _store.SetReference(ImageReference.Parse("app:latest"), b.Id, b.ManifestDigest);
        Assert.Equal(a.Id, previous);
        Assert.Equal([a.Id], _store.List().Where(s => s.RepoTags.Count == 0).Select(s => s.Image.Id));
        Assert.Equal([b.Id], _store.List().Where(s => s.RepoTags.Count > 0).Select(s => s.Image.Id));
    }

    [Fact]
    public void Delete_untags_while_other_tags_remain_then_deletes_and_collects_unshared_blobs()
    {
        var shared = AddImage("s", ["base", "shared-top"], 1, null, "other:v1");
        var img = AddImage("x", ["base", "own"], 2, null, "app:v1", "app:v2");
        var released = new List<string>();
        _store.LayersReleased += ids => released.AddRange(ids);

        var first = _store.Delete("app:v1", force: false);
        Assert.Equal([new DeleteResponseItem("app:v1", null)], first);
        Assert.NotNull(_store.Find(img.Id));

        var second = _store.Delete("app:v2", force: false);
        Assert.Equal([new DeleteResponseItem("app:v2", null), new DeleteResponseItem(null, img.Id)], second);
        Assert.Null(_store.Find(img.Id));
        Assert.False(_content.Exists(Digest.Parse(img.Id)));
        Assert.False(_content.Exists(Digest.Parse(img.Layers[1].Digest)));
        Assert.True(_content.Exists(Digest.Parse(img.Layers[0].Digest))); // still used by "other"
        Assert.Equal([img.Layers[1].ChainId], released);
        Assert.NotNull(_store.Find("other:v1"));
    }

    [Fact]
    public void Delete_by_id_conflicts_on_multiple_repositories_and_on_containers()
    {
        var img = AddImage("m", ["m1"], 1, null, "one:v1", "two:v1");
        var ex = Assert.Throws<ImageConflictException>(() => _store.Delete(img.ShortId, force: false));
        Assert.Equal($"conflict: unable to delete {img.ShortId} (must be forced) - image is referenced in multiple repositories", ex.Message);

        IReadOnlyList<ImageUser> Stopped(string id) => id == img.Id ? [new ImageUser("c0ffee0123456789abcdef", Running: false)] : [];
        IReadOnlyList<ImageUser> Running(string id) => id == img.Id ? [new ImageUser("beef0123456789abcdef", Running: true)] : [];
        var stopped = Assert.Throws<ImageConflictException>(() => _store.Delete(img.Id, force: true, Running));
        Assert.Equal($"conflict: unable to delete {img.ShortId} (cannot be forced) - image is being used by running container beef01234567", stopped.Message);
        // Untagging one of several tags works even while a container uses the image.
        Assert.Equal([new DeleteResponseItem("one:v1", null)], _store.Delete("one:v1", force: false, Stopped));
        // The last tag is untagged, but a stopped container keeps the image.
        Assert.Equal([new DeleteResponseItem("two:v1", null)], _store.Delete("two:v1", force: false, Stopped));
        Assert.NotNull(_store.Find(img.Id));
        var noForce = Assert.Throws<ImageConflictException>(() => _store.Delete(img.Id, force: false, Stopped));
        Assert.Contains("(must be forced) - image is being used by stopped container c0ffee012345", noForce.Message);
        Assert.Equal([new DeleteResponseItem(null, img.Id)], _store.Delete(img.Id, force: true, Stopped));
    }

    [Fact]
    public void Prune_removes_dangling_by_default_and_unused_with_all()
    {
        var tagged = AddImage("t", ["t1"], 1, null, "keep:v1");
        var dangling = AddImage("d", ["d1"], 2, null);
        var inUse = AddImage("u", ["u1"], 3, null, "used:v1");
        IReadOnlyList<ImageUser> Usage(string id) => id == inUse.Id ? [new ImageUser("abc", false)] : [];

        var (deleted, reclaimed) = _store.Prune(all: false, Usage);
        Assert.Equal([new DeleteResponseItem(null, dangling.Id)], deleted);
        Assert.True(reclaimed > 0);

        var (all, _) = _store.Prune(all: true, Usage);
        Assert.Equal([new DeleteResponseItem("keep:v1", null), new DeleteResponseItem(null, tagged.Id)], all);
        Assert.Equal([inUse.Id], _store.List().Select(s => s.Image.Id));
    }
}
