using Containers.Api;
using Containers.Engine.Filtering;
using Containers.Engine.Volumes;

namespace Containers.Engine.Api;

/// <summary><c>/volumes</c>: create, list, inspect, remove and prune named volumes.</summary>
public static class VolumeEndpoints
{
    public static void MapVolumeEndpoints(this IEndpointRouteBuilder routes)
    {
        var volumes = routes.MapGroup("/volumes");
        volumes.MapPost("/create", CreateAsync);
        volumes.MapGet("", List);
        volumes.MapGet("/{name}", Inspect);
        volumes.MapDelete("/{name}", Remove);
        volumes.MapPost("/prune", Prune);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, VolumeService volumes)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.VolumeCreateRequest) ?? new VolumeCreateRequest();
        return Results.Json(volumes.Create(body), ApiJson.Context.Volume, statusCode: 201);
    }

    private static IResult List(HttpRequest request, VolumeService volumes) =>
        Results.Json(volumes.List(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.VolumeListResponse);

    private static IResult Inspect(string name, VolumeService volumes) =>
        Results.Json(volumes.Inspect(name), ApiJson.Context.Volume);

    private static IResult Remove(string name, HttpRequest request, VolumeService volumes)
    {
        volumes.Remove(name, request.Flag("force"));
        return Results.NoContent();
    }

    private static IResult Prune(HttpRequest request, VolumeService volumes) =>
        Results.Json(volumes.Prune(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.VolumePruneResponse);
}
