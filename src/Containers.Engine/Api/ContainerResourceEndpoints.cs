using Containers.Api;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Api;

/// <summary>
/// A container's resources: <c>GET /containers/{id}/top</c> (its processes as ps shows them), <c>GET .../stats</c> (one
/// sample, or one a second as a stream of JSON objects) and <c>POST .../update</c> (new limits on the live container).
/// </summary>
public static class ContainerResourceEndpoints
{
    public static void MapContainerResourceEndpoints(this IEndpointRouteBuilder routes)
    {
        var container = routes.MapGroup("/containers/{id}");
        container.MapGet("/top", TopAsync);
        container.MapPost("/update", UpdateAsync);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.ContainerUpdateRequest) ?? new ContainerUpdateRequest();
        return Results.Json(await containers.UpdateAsync(id, body), ApiJson.Context.ContainerUpdateResponse);
    }

    private static async Task<IResult> TopAsync(string id, HttpContext context, ContainerService containers) =>
        Results.Json(await containers.TopAsync(id, context.Request.Text("ps_args"), context.RequestAborted), ApiJson.Context.ContainerTopResponse);
}
