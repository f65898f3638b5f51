using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containers.Images.Store;

/// <summary>
/// Docker Engine API shapes for image endpoints, so handlers only serialize: GET /images/json items,
/// GET /images/{name}/json, GET /images/{name}/history, and the prune response.
/// </summary>
public static class DockerImageJson
{
    private static long Unix(DateTimeOffset t) => t.ToUnixTimeSeconds();

    /// <summary>One element of GET /images/json.</summary>
    public static JsonObject ListItem(ImageSummary s) => new()
    {
        ["Id"] = s.Image.Id,
        ["ParentId"] = "",
        ["RepoTags"] = new JsonArray(s.RepoTags.Select(t => (JsonNode)t!).ToArray()),
        ["RepoDigests"] = new JsonArray(s.RepoDigests.Select(t => (JsonNode)t!).ToArray()),
        ["Created"] = Unix(s.Image.Created),
        ["Size"] = s.Image.Size,
        ["SharedSize"] = -1,
        ["VirtualSize"] = s.Image.Size,
        ["Labels"] = s.Image.Labels.Count == 0 ? null : new JsonObject(s.Image.Labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        ["Containers"] = -1,
    };

    /// <summary>GET /images/{name}/json.</summary>
    public static JsonObject Inspect(ImageSummary s)
    {
        var img = s.Image;
        var cfg = img.Config;
        return new JsonObject
        {
            ["Id"] = img.Id,
            ["RepoTags"] = new JsonArray(s.RepoTags.Select(t => (JsonNode)t!).ToArray()),
            ["RepoDigests"] = new JsonArray(s.RepoDigests.Select(t => (JsonNode)t!).ToArray()),
            ["Parent"] = "",
            ["Comment"] = cfg.History?.LastOrDefault()?.Comment ?? "",
            ["Created"] = img.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
            ["DockerVersion"] = "",
            ["Author"] = cfg.Author ?? "",
            ["Config"] = cfg.Config is null ? null : JsonSerializer.SerializeToNode(cfg.Config),
            ["Architecture"] = cfg.Architecture ?? "",
            ["Variant"] = cfg.Variant,
            ["Os"] = cfg.Os ?? "",
            ["Size"] = img.Size,
            ["VirtualSize"] = img.Size,
            ["GraphDriver"] = new JsonObject { ["Name"] = "overlay2", ["Data"] = null },
            ["RootFS"] = new JsonObject { ["Type"] = cfg.RootFs.Type, ["Layers"] = new JsonArray(cfg.RootFs.DiffIds.Select(d => (JsonNode)d!).ToArray()) },
            ["Metadata"] = new JsonObject { ["LastTagTime"] = "0001-01-01T00:00:00Z" },
        };
    }

    /// <summary>GET /images/{name}/history.</summary>
    public static JsonArray History(IEnumerable<HistoryItem> items) => new(items.Select(h => (JsonNode)new JsonObject
    {
        ["Id"] = h.Id,
        ["Created"] = h.Created is { } c ? Unix(c) : 0,
        ["CreatedBy"] = h.CreatedBy,
        ["Tags"] = h.Tags.Count == 0 ? null : new JsonArray(h.Tags.Select(t => (JsonNode)t!).ToArray()),
        ["Size"] = h.Size,
        ["Comment"] = h.Comment,
    }).ToArray());

    /// <summary>POST /images/prune.</summary>
    public static JsonObject PruneReport(IReadOnlyList<DeleteResponseItem> deleted, long spaceReclaimed) => new()
    {
        ["ImagesDeleted"] = deleted.Count == 0 ? null : JsonSerializer.SerializeToNode(deleted),
        ["SpaceReclaimed"] = spaceReclaimed,
    };
}
