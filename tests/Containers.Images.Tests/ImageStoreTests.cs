using Containers.Images.Content;
using Containers.Images.References;
using Containers.Images.Store;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>
/// Image records and references on a real filesystem: lookup, tags, untag, record removal, persistence.
/// Docker's rmi/prune rules over these are the engine's (tests/Containers.Engine.Tests/Images/ImageRemovalRulesTests.cs).
/// </summary>
public sealed class ImageStoreTests : IDisposable
{
    private readonly ImageStoreFixture _f = new();
    private ImageStore _store => _f.Store;
    private ContentStore _content => _f.Content;

    public void Dispose() => _f.Dispose();

    private ImageRecord AddImage(string name, string[] layers, int createdDay, Dictionary<string, string>? labels = null, params string[] references) =>
        _f.AddImage(name, layers, createdDay, labels, references);

    [Fact]
    public void Records_and_references_survive_reopening_and_crash_leftovers_are_ignored()
    {
        var img = AddImage("a", ["base", "top"], 1, null, "app:v1", "example.com/team/app:v2");
        File.WriteAllText(Path.Combine(_f.Root, "images", "imagedb", "sha256", ".half-written.json.tmp.json"), "{ torn");
        _f.Reopen();
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

        var (found, named) = _store.Lookup("example.com/app:prod");
        Assert.Equal(a.Id, found?.Id);
        Assert.Equal("example.com/app:prod", named?.ToFamiliarString());
        Assert.Null(_store.Lookup(a.Id).Reference);
        _store.Untag([named!]);
        Assert.Equal(["app:latest"], _store.Summarize(a).RepoTags);

        // Pulling a newer app:latest moves the tag; the old image stays, dangling.
        var b = AddImage("b", ["b1"], 2, null);
        string? previous = _store.SetReference(ImageReference.Parse("app:latest"), b.Id, b.ManifestDigest);
        Assert.Equal(a.Id, previous);
        Assert.Equal([a.Id], _store.List().Where(s => s.RepoTags.Count == 0).Select(s => s.Image.Id));
        Assert.Equal([b.Id], _store.List().Where(s => s.RepoTags.Count > 0).Select(s => s.Image.Id));
    }

    [Fact]
    public void Remove_collects_unshared_blobs_and_reports_released_layers_but_refuses_a_referenced_image()
    {
        AddImage("s", ["base", "shared-top"], 1, null, "other:v1");
        var img = AddImage("x", ["base", "own"], 2, null, "app:v1", "app:v2");

        Assert.Throws<ImageConflictException>(() => _store.Remove(img));
        Assert.NotNull(_store.Find(img.Id));

        _store.Untag(_store.ReferencesOf(img.Id));
        var (reclaimed, released) = _store.Remove(img);
        Assert.True(reclaimed > 0);
        Assert.Null(_store.Find(img.Id));
        Assert.False(_content.Exists(Digest.Parse(img.Id)));
        Assert.False(_content.Exists(Digest.Parse(img.Layers[1].Digest)));
        Assert.True(_content.Exists(Digest.Parse(img.Layers[0].Digest))); // still used by "other"
        Assert.Equal([img.Layers[1].ChainId], released);
        Assert.NotNull(_store.Find("other:v1"));
    }
}
