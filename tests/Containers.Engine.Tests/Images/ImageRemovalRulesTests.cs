using Containers.Engine.Images;
using Containers.Images.Content;
using Containers.Images.Store;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Images;

/// <summary>Docker's rmi and prune rules, applied by the image service to a real image store.</summary>
public sealed class ImageRemovalRulesTests : IDisposable
{
    private readonly ImageStoreFixture _f = new();
    private readonly List<string> _released = [];

    public void Dispose() => _f.Dispose();

    private static IReadOnlyList<ImageUser> Unused(string id) => [];

    private IReadOnlyList<DeleteResponseItem> Delete(string name, bool force, Func<string, IReadOnlyList<ImageUser>>? usage = null) =>
        ImageService.Delete(_f.Store, name, force, usage ?? Unused, _released.AddRange).Items;

    private ImageService.Removal Prune(bool all, Func<string, IReadOnlyList<ImageUser>> usage) =>
        ImageService.Prune(_f.Store, all, usage, _ => true, _released.AddRange);

    [Fact]
    public void Delete_untags_while_other_tags_remain_then_deletes_and_collects_unshared_blobs()
    {
        var shared = _f.AddImage("s", ["base", "shared-top"], 1, null, "other:v1");
        var img = _f.AddImage("x", ["base", "own"], 2, null, "app:v1", "app:v2");

        var first = Delete("app:v1", force: false);
        Assert.Equal([new DeleteResponseItem("app:v1", null)], first);
        Assert.NotNull(_f.Store.Find(img.Id));

        var second = Delete("app:v2", force: false);
        Assert.Equal([new DeleteResponseItem("app:v2", null), new DeleteResponseItem(null, img.Id)], second);
        Assert.Null(_f.Store.Find(img.Id));
        Assert.False(_f.Content.Exists(Digest.Parse(img.Id)));
        Assert.False(_f.Content.Exists(Digest.Parse(img.Layers[1].Digest)));
        Assert.True(_f.Content.Exists(Digest.Parse(img.Layers[0].Digest))); // still used by "other"
        Assert.Equal([img.Layers[1].ChainId], _released);
        Assert.NotNull(_f.Store.Find("other:v1"));
        Assert.Equal(shared.Id, _f.Store.Get("other:v1").Id);
    }

    [Fact]
    public void Delete_by_id_conflicts_on_multiple_repositories_and_on_containers()
    {
        var img = _f.AddImage("m", ["m1"], 1, null, "one:v1", "two:v1");
        var ex = Assert.Throws<ImageConflictException>(() => Delete(img.ShortId, force: false));
        Assert.Equal($"conflict: unable to delete {img.ShortId} (must be forced) - image is referenced in multiple repositories", ex.Message);

        IReadOnlyList<ImageUser> Stopped(string id) => id == img.Id ? [new ImageUser("c0ffee0123456789abcdef", Running: false)] : [];
        IReadOnlyList<ImageUser> Running(string id) => id == img.Id ? [new ImageUser("beef0123456789abcdef", Running: true)] : [];
        var stopped = Assert.Throws<ImageConflictException>(() => Delete(img.Id, force: true, Running));
        Assert.Equal($"conflict: unable to delete {img.ShortId} (cannot be forced) - image is being used by running container beef01234567", stopped.Message);
        // Untagging one of several tags works even while a container uses the image.
        Assert.Equal([new DeleteResponseItem("one:v1", null)], Delete("one:v1", force: false, Stopped));
        // The last tag is untagged, but a stopped container keeps the image.
        Assert.Equal([new DeleteResponseItem("two:v1", null)], Delete("two:v1", force: false, Stopped));
        Assert.NotNull(_f.Store.Find(img.Id));
        var noForce = Assert.Throws<ImageConflictException>(() => Delete(img.Id, force: false, Stopped));
        Assert.Contains("(must be forced) - image is being used by stopped container c0ffee012345", noForce.Message);
        Assert.Equal([new DeleteResponseItem(null, img.Id)], Delete(img.Id, force: true, Stopped));
    }

    [Fact]
    public void Prune_removes_dangling_by_default_and_unused_with_all()
    {
        var tagged = _f.AddImage("t", ["t1"], 1, null, "keep:v1");
        var dangling = _f.AddImage("d", ["d1"], 2, null);
        var inUse = _f.AddImage("u", ["u1"], 3, null, "used:v1");
        IReadOnlyList<ImageUser> Usage(string id) => id == inUse.Id ? [new ImageUser("abc", false)] : [];

        var (deleted, reclaimed) = Prune(all: false, Usage);
        Assert.Equal([new DeleteResponseItem(null, dangling.Id)], deleted);
        Assert.True(reclaimed > 0);

        var (all, _) = Prune(all: true, Usage);
        Assert.Equal([new DeleteResponseItem("keep:v1", null), new DeleteResponseItem(null, tagged.Id)], all);
        Assert.Equal([inUse.Id], _f.Store.List().Select(s => s.Image.Id));
    }
}
