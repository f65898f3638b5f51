using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Api;

/// <summary>
/// <c>/containers/{id}/...</c> actions on a container's process: start, stop, restart, kill, pause, unpause, wait and
/// resize. Starting a running container (or stopping a stopped one) is 304, as Docker answers.
/// </summary>
public static class ContainerControlEndpoints
{
    public static void MapContainerControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var container = routes.MapGroup("/containers/{id}");
        container.MapPost("/start", StartAsync);
        container.MapPost("/stop", StopAsync);
        container.MapPost("/restart", RestartAsync);
        container.MapPost("/kill", KillAsync);
        container.MapPost("/pause", PauseAsync);
        container.MapPost("/unpause", UnpauseAsync);
        container.MapPost("/wait", WaitAsync);
        container.MapPost("/resize", Resize);
    }

    private static async Task<IResult> StartAsync(string id, ContainerService containers) =>
        await containers.StartAsync(id) ? Results.NoContent() : Results.StatusCode(StatusCodes.Status304NotModified);

    private static async Task<IResult> StopAsync(string id, HttpRequest request, ContainerService containers) =>
        await containers.StopAsync(id, request.Integer("t"), request.Text("signal"))
            ? Results.NoContent() : Results.StatusCode(StatusCodes.Status304NotModified);

    private static async Task<IResult> RestartAsync(string id, HttpRequest request, ContainerService containers)
    {
        await containers.RestartAsync(id, request.Integer("t"), request.Text("signal"));
        return Results.NoContent();
    }

    private static async Task<IResult> KillAsync(string id, HttpRequest request, ContainerService containers)
    {
        await containers.KillAsync(id, request.Text("signal"));
        return Results.NoContent();
    }

    private static async Task<IResult> PauseAsync(string id, ContainerService containers)
    {
        await containers.PauseAsync(id);
        return Results.NoContent();
    }

    private static async Task<IResult> UnpauseAsync(string id, ContainerService containers)
    {
        await containers.UnpauseAsync(id);
        return Results.NoContent();
    }

    private static IResult Resize(string id, HttpRequest request, ContainerService containers)
    {
        var (width, height) = request.TerminalSize();
        containers.Resize(id, width, height);
        return Results.Ok();
    }

    /// <summary>
    /// Docker sends the 200 and its headers at once and the body when the condition is met, so a client (docker run)
    /// knows its wait is registered before it starts the container.
    /// </summary>
    private static async Task WaitAsync(string id, HttpContext context, ContainerService containers)
    {
        var result = containers.WaitAsync(id, context.Request.Text("condition"), context.RequestAborted);
        if (result.IsFaulted) await result; // unknown container or bad condition: the error response, not a 200
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        ExitResult exit;
        try
        {
            exit = await result;
        }
        catch (OperationCanceledException)
        {
            return; // the client left
        }
        var body = new ContainerWaitResponse { StatusCode = exit.ExitCode, Error = exit.Error is { } e ? new WaitError { Message = e } : null };
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, body, ApiJson.Context.ContainerWaitResponse, context.RequestAborted);
    }
}
