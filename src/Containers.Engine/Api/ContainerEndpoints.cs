using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Api;

/// <summary>
/// <c>/containers</c>: create, list, inspect, rename, remove and prune. Running them: <see cref="ContainerControlEndpoints"/>;
/// their streams, exec, resources and files: the other <c>Container*Endpoints</c> and <see cref="ExecEndpoints"/>.
/// </summary>
public static class ContainerEndpoints
{
    public static void MapContainerEndpoints(this IEndpointRouteBuilder routes)
    {
        var containers = routes.MapGroup("/containers");
        containers.MapPost("/create", CreateAsync);
        containers.MapGet("/json", List);
        containers.MapGet("/{id}/json", Inspect);
        containers.MapPost("/{id}/rename", Rename);
        containers.MapDelete("/{id}", RemoveAsync);
        containers.MapPost("/prune", PruneAsync);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.ContainerCreateRequest)
            ?? throw new InvalidParameterException("Config cannot be empty in order to create a container");
        var created = containers.Create(body, request.Text("name"), readOnlyBindsNonRecursive: ApiVersioning.RequestedBefore(request.HttpContext, 1, 44));
        return Results.Json(created, ApiJson.Context.ContainerCreateResponse, statusCode: 201);
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
        await containers.RemoveAsync(id, request.Flag("force"), request.Flag("v"));
        return Results.NoContent();
    }

    private static async Task<IResult> PruneAsync(HttpRequest request, ContainerService containers) =>
        Results.Json(await containers.PruneAsync(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.ContainersPruneResponse);
}
