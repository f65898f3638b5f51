using Containers.Api;
using Containers.Engine.Filtering;
using Containers.Engine.Networks;

namespace Containers.Engine.Api;

/// <summary><c>/networks</c>: list, inspect, create, remove and prune networks.</summary>
public static class NetworkEndpoints
{
    public static void MapNetworkEndpoints(this IEndpointRouteBuilder routes)
    {
        var networks = routes.MapGroup("/networks");
        networks.MapGet("", List);
        networks.MapPost("/create", CreateAsync);
        networks.MapPost("/prune", Prune);
        networks.MapGet("/{id}", Inspect);
        networks.MapDelete("/{id}", Remove);
    }

    private static IResult List(HttpRequest request, NetworkService networks) =>
        Results.Json(networks.List(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.ListNetwork);

    private static IResult Inspect(string id, NetworkService networks) =>
        Results.Json(networks.Inspect(id), ApiJson.Context.Network);

    private static async Task<IResult> CreateAsync(HttpRequest request, NetworkService networks)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.NetworkCreateRequest) ?? new NetworkCreateRequest();
        return Results.Json(networks.Create(body), ApiJson.Context.NetworkCreateResponse, statusCode: 201);
    }

    private static IResult Remove(string id, NetworkService networks)
    {
        networks.Remove(id);
        return Results.NoContent();
    }

    private static IResult Prune(HttpRequest request, NetworkService networks) =>
        Results.Json(networks.Prune(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.NetworksPruneResponse);
}
