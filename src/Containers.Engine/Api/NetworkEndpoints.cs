using Containers.Api;
using Containers.Engine.Filtering;
using Containers.Engine.Lifecycle;
using Containers.Engine.Networks;

namespace Containers.Engine.Api;

/// <summary><c>/networks</c>: list, inspect, create, remove and prune networks; connect and disconnect containers.</summary>
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
        networks.MapPost("/{id}/connect", ConnectAsync);
        networks.MapPost("/{id}/disconnect", DisconnectAsync);
    }

    private static async Task<IResult> ConnectAsync(string id, HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.NetworkConnectRequest) ?? new NetworkConnectRequest();
        await containers.ConnectAsync(id, body);
        return Results.Ok();
    }

    private static async Task<IResult> DisconnectAsync(string id, HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.NetworkDisconnectRequest) ?? new NetworkDisconnectRequest();
        await containers.DisconnectAsync(id, body);
        return Results.Ok();
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
