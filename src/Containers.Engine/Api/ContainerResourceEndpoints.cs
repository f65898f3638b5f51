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
        container.MapGet("/stats", StatsAsync);
    }

    /// <summary>JSON objects one per line, each flushed as it is taken (dockerd's json.Encoder on the response).</summary>
    /// <remarks>A stream ends when the client leaves, the container is removed, or the engine stops.</remarks>
    private static async Task StatsAsync(string id, HttpContext context, ContainerService containers, IHostApplicationLifetime lifetime)
    {
        var samples = containers.Stats(id, context.Request.Flag("stream", absent: true), context.Request.Flag("one-shot"));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await response.StartAsync(stop.Token);
            await foreach (var sample in samples.WithCancellation(stop.Token))
            {
                await System.Text.Json.JsonSerializer.SerializeAsync(response.Body, sample, ApiJson.Context.ContainerStatsResponse, stop.Token);
                await response.Body.WriteAsync("\n"u8.ToArray(), stop.Token);
                await response.Body.FlushAsync(stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the client left, or the engine stops
        }
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.ContainerUpdateRequest) ?? new ContainerUpdateRequest();
        return Results.Json(await containers.UpdateAsync(id, body), ApiJson.Context.ContainerUpdateResponse);
    }

    private static async Task<IResult> TopAsync(string id, HttpContext context, ContainerService containers) =>
        Results.Json(await containers.TopAsync(id, context.Request.Text("ps_args"), context.RequestAborted), ApiJson.Context.ContainerTopResponse);
}
