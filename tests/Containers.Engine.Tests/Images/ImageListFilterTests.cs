using Containers.Engine.Errors;
using Containers.Engine.Filtering;
using Containers.Engine.Images;
using Containers.Images.Manifests;
using Containers.Images.Store;

namespace Containers.Engine.Tests.Images;

/// <summary>Docker's image list filters, applied by the engine to the image store's summaries.</summary>
public sealed class ImageListFilterTests
{
    private static ImageSummary Image(string id, int createdDay, Dictionary<string, string>? labels, params string[] tags)
    {
        var created = new DateTimeOffset(2024, 1, createdDay, 0, 0, 0, TimeSpan.Zero);
        var record = new ImageRecord { Id = id, ManifestDigest = id, ManifestMediaType = MediaTypes.OciManifest, Layers = [], Created = created, Config = new ImageConfig { Created = created, Config = new ContainerConfig { Labels = labels } } };
        return new ImageSummary(record, tags, tags.Select(t => t.Split(':')[0] + "@sha256:" + new string('0', 64)).ToList());
    }

    private static readonly ImageSummary Old = Image("sha256:01", 1, new() { ["tier"] = "db" }, "db:1");
    private static readonly ImageSummary Mid = Image("sha256:05", 5, new() { ["tier"] = "web", ["team"] = "x" }, "web:1", "example.com/web:2");
    private static readonly ImageSummary Dangling = Image("sha256:09", 9, null);
    private static readonly ImageSummary[] All = [Dangling, Mid, Old];

    private static List<string> Ids(string key, params string[] values)
    {
        var filters = FilterArgs.FromJson(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string[]> { [key] = values }));
        var filter = ImageListFilter.From(filters, name => All.Single(s => s.RepoTags.Contains(name)).Image);
        return All.Where(filter.Matches).Select(s => s.Image.Id).ToList();
    }

    [Fact]
    public void Filters_dangling_label_reference_before_since()
    {
        Assert.Equal([Dangling.Image.Id], Ids("dangling", "true"));
        Assert.Equal([Mid.Image.Id, Old.Image.Id], Ids("dangling", "false"));
        Assert.Equal([Mid.Image.Id], Ids("label", "team"));
        Assert.Equal([Old.Image.Id], Ids("label", "tier=db"));
        Assert.Equal([Mid.Image.Id], Ids("label", "tier=web", "team=x"));
        Assert.Empty(Ids("label", "tier=db", "team=x"));
        Assert.Equal([Mid.Image.Id], Ids("reference", "web"));
        Assert.Equal([Mid.Image.Id], Ids("reference", "example.com/*:2"));
        Assert.Equal([Mid.Image.Id, Old.Image.Id], Ids("reference", "*"));
        Assert.Equal([Old.Image.Id], Ids("before", "web:1"));
        Assert.Equal([Dangling.Image.Id, Mid.Image.Id], Ids("since", "db:1"));
        Assert.Equal("invalid filter 'bogus'", Assert.Throws<InvalidParameterException>(() => Ids("bogus", "1")).Message);
        Assert.Equal("invalid filter 'dangling=maybe'", Assert.Throws<InvalidParameterException>(() => Ids("dangling", "maybe")).Message);
    }
}
