using Containers.Api;
using Containers.Engine.Images;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Api;

/// <summary>
/// <c>/containers</c>: create, list, inspect, rename, remove and prune. Running containers (start, attach, logs, wait,
/// stop, kill...) is not wired yet: those routes answer 501 with a message saying so, rather than a puzzling 404.
/// </summary>
public static class ContainerEndpoints
{
    private static readonly string[] NotYet = ["start", "stop", "restart", "kill", "pause", "unpause", "wait", "attach", "logs", "top", "update", "changes", "resize", "exec", "stats", "export", "archive"];

    public static void MapContainerEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/containers/create", async (HttpRequest request, ContainerService containers) =>
        {
            var body = await request.ReadJsonAsync(ApiJson.Context.ContainerCreateRequest)
                ?? throw ApiException.BadRequest("Config cannot be empty in order to create a container");
            var name = request.Query["name"].ToString();
            return Results.Json(containers.Create(body, name.Length > 0 ? name : null), ApiJson.Context.ContainerCreateResponse, statusCode: 201);
        });

        routes.MapGet("/containers/json", (HttpRequest request, ContainerService containers) =>
        {
            var query = request.Query;
            var filter = ContainerListFilter.Parse(query["filters"], containers.Store.Get);
            var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : (int?)null;
            var all = query["all"] is var a && (a == "1" || a == "true") || limit is not null || filter.ImpliesAll;
            var now = DateTimeOffset.UtcNow;
            var list = containers.Store.List()
                .Where(c => all || c.State.Status is "running" or "paused" or "restarting")
                .Where(filter.Matches)
                .Take(limit ?? int.MaxValue)
                .Select(c => ContainerViews.Summary(c, now)).ToList();
            return Results.Json(list, ApiJson.Context.ListContainerSummary);
        });

        routes.MapGet("/containers/{id}/json", (string id, ContainerService containers, ImageService images) =>
        {
            var record = containers.Store.Get(id);
            return Results.Json(ContainerViews.Inspect(record, containers.Store.DirectoryOf(record.Id), images.Snapshots.Driver), ApiJson.Context.ContainerInspect);
        });

        routes.MapPost("/containers/{id}/rename", (string id, HttpRequest request, ContainerService containers) =>
        {
            var name = request.Query["name"].ToString();
            if (name.Length == 0) throw ApiException.BadRequest("Neither old nor new names may be empty");
            containers.Rename(id, name);
            return Results.NoContent();
        });

        routes.MapDelete("/containers/{id}", (string id, HttpRequest request, ContainerService containers) =>
        {
            containers.Remove(id, request.Query["force"] is var f && (f == "1" || f == "true"));
            return Results.NoContent();
        });

        routes.MapPost("/containers/prune", (HttpRequest request, ContainerService containers) =>
        {
            var filters = Filters.Parse(request.Query["filters"]);
            foreach (var key in filters.Keys)
                if (key != "label") throw ApiException.BadRequest($"invalid filter '{key}'");
            var labels = filters.GetValueOrDefault("label") ?? [];
            var result = containers.Prune(c => labels.All(term => term.IndexOf('=') is var eq and > 0
                ? c.Config.Labels.TryGetValue(term[..eq], out var v) && v == term[(eq + 1)..]
                : c.Config.Labels.ContainsKey(term)));
            return Results.Json(result, ApiJson.Context.ContainersPruneResponse);
        });

        foreach (var action in NotYet)
            routes.MapMethods($"/containers/{{id}}/{action}", ["GET", "POST", "PUT", "HEAD"], (string id, ContainerService containers) =>
            {
                containers.Store.Get(id);
                throw new ApiException(StatusCodes.Status501NotImplemented, $"{action}: running containers is not implemented by this engine yet");
            });
    }
}
