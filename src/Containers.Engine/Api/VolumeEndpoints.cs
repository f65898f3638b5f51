using Containers.Api;
using Containers.Engine.Volumes;

namespace Containers.Engine.Api;

/// <summary><c>/volumes</c>: create, list, inspect, remove and prune named volumes.</summary>
public static class VolumeEndpoints
{
    private static readonly string[] ListFilterKeys = ["name", "driver", "label", "dangling"];
    private static readonly string[] PruneFilterKeys = ["label", "all"];

    public static void MapVolumeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/volumes/create", async (HttpRequest request, VolumeStore store) =>
        {
            var body = await request.ReadJsonAsync(ApiJson.Context.VolumeCreateRequest) ?? new VolumeCreateRequest();
            var volume = store.Create(body);
            return Results.Json(volume, ApiJson.Context.Volume, statusCode: 201);
        });

        routes.MapGet("/volumes", (HttpRequest request, VolumeStore store) =>
        {
            var filters = ParseFilters(request.Query["filters"], ListFilterKeys);
            var volumes = store.List().Where(v => Matches(v, filters)).ToList();
            return Results.Json(new VolumeListResponse { Volumes = volumes }, ApiJson.Context.VolumeListResponse);
        });

        routes.MapGet("/volumes/{name}", (string name, VolumeStore store) =>
            Results.Json(store.Get(name), ApiJson.Context.Volume));

        routes.MapDelete("/volumes/{name}", (string name, VolumeStore store) =>
        {
            store.Remove(name);
            return Results.NoContent();
        });

        routes.MapPost("/volumes/prune", (HttpRequest request, VolumeStore store) =>
        {
            var filters = ParseFilters(request.Query["filters"], PruneFilterKeys);
            var all = filters.TryGetValue("all", out var a) && a.Any(v => v is "true" or "1");
            filters.Remove("all");
            return Results.Json(store.Prune(all, v => Matches(v, filters)), ApiJson.Context.VolumePruneResponse);
        });
    }

    private static Dictionary<string, List<string>> ParseFilters(string? json, string[] allowed)
    {
        var filters = Filters.Parse(json);
        foreach (var key in filters.Keys)
            if (!allowed.Contains(key)) throw ApiException.BadRequest($"invalid filter '{key}'");
        return filters;
    }

    private static bool Matches(Volume v, Dictionary<string, List<string>> filters) => filters.All(f => f.Key switch
    {
        "name" => f.Value.Any(n => v.Name.Contains(n, StringComparison.Ordinal)),
        "driver" => f.Value.Contains(v.Driver),
        "label" => f.Value.Any(l => l.Contains('=')
            ? v.Labels.TryGetValue(l[..l.IndexOf('=')], out var value) && value == l[(l.IndexOf('=') + 1)..]
            : v.Labels.ContainsKey(l)),
        // No container uses a volume yet, so every volume is dangling.
        "dangling" => f.Value.Any(d => d is "true" or "1"),
        _ => true,
    });
}
