using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Api;

/// <summary>
/// <c>/containers</c>: create, list, inspect, rename, remove and prune; what is not built yet (exec, stats...)
/// answers 501 saying so, rather than a puzzling 404. Running them: <see cref="ContainerControlEndpoints"/>.
/// </summary>
public static class ContainerEndpoints
{
    private static readonly string[] NotYet = ["top", "update", "exec", "stats"];

    public static void MapContainerEndpoints(this IEndpointRouteBuilder routes)
    {
        var containers = routes.MapGroup("/containers");
        containers.MapPost("/create", CreateAsync);
        containers.MapGet("/json", List);
        containers.MapGet("/{id}/json", Inspect);
        containers.MapPost("/{id}/rename", Rename);
        containers.MapDelete("/{id}", RemoveAsync);
        containers.MapPost("/prune", PruneAsync);
        foreach (var action in NotYet)
            containers.MapMethods($"/{{id}}/{action}", ["GET", "POST", "PUT", "HEAD"], (string id, ContainerService service) => NotImplemented(id, action, service));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.ContainerCreateRequest)
            ?? throw new InvalidParameterException("Config cannot be empty in order to create a container");
        return Results.Json(containers.Create(body, request.Text("name")), ApiJson.Context.ContainerCreateResponse, statusCode: 201);
    }

    private static IResult List(HttpRequest request, ContainerService containers)
    {
        var limit = int.TryParse(request.Query["limit"], out var l) && l > 0 ? l : (int?)null;
        var list = containers.List(request.Flag("all"), limit, FilterArgs.FromJson(request.Query["filters"]));
        return Results.Json(list, ApiJson.Context.ListContainerSummary);
    }

    private static IResult Inspect(string id, ContainerService containers) =>
        Results.Json(containers.Inspect(id), ApiJson.Context.ContainerInspect);

    private static IResult Rename(string id, HttpRequest request, ContainerService containers)
    {
        containers.Rename(id, request.Text("name") ?? throw new InvalidParameterException("Neither old nor new names may be empty"));
        return Results.NoContent();
    }

    private static async Task<IResult> RemoveAsync(string id, HttpRequest request, ContainerService containers)
    {
        await containers.RemoveAsync(id, request.Flag("force"));
        return Results.NoContent();
    }

    private static async Task<IResult> PruneAsync(HttpRequest request, ContainerService containers) =>
        Results.Json(await containers.PruneAsync(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.ContainersPruneResponse);

    private static IResult NotImplemented(string id, string action, ContainerService containers)
    {
        containers.RefuseNotImplemented(id, action);
        return Results.Empty;
    }
}
