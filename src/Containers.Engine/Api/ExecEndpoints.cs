using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Lifecycle;
using Containers.Engine.Logs;

namespace Containers.Engine.Api;

/// <summary>
/// <c>docker exec</c>:
/// <list type="bullet">
/// <item><c>POST /containers/{id}/exec</c> creates an instance;</item>
/// <item><c>POST /exec/{id}/start</c> runs it, detached (200, as <c>docker exec -d</c>) or hijacked like attach
/// (<see cref="HijackedStreams"/>) until the process has ended and its exit code is recorded. The docker CLI sends it
/// with a JSON body and an upgrade at once (see Hosting/UpgradeWithBody);</item>
/// <item><c>GET /exec/{id}/json</c> inspects it, <c>POST /exec/{id}/resize</c> sets its terminal's size.</item>
/// </list>
/// </summary>
public static class ExecEndpoints
{
    public static void MapExecEndpoints(this IEndpointRouteBuilder routes)
    {
        var exec = routes.MapGroup("/exec/{id}");
        exec.MapPost("/start", StartAsync);
        exec.MapPost("/resize", Resize);
        exec.MapGet("/json", Inspect);
        routes.MapPost("/containers/{id}/exec", CreateAsync);
    }

    private static async Task<IResult> CreateAsync(string id, HttpRequest request, ContainerService containers)
    {
        var body = await request.ReadJsonAsync(ApiJson.Context.ExecCreateRequest)
            ?? throw new InvalidParameterException("No exec command specified");
        return Results.Json(containers.CreateExec(id, body), ApiJson.Context.ExecCreateResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task StartAsync(string id, HttpContext context, ContainerService containers)
    {
        var body = Hosting.UpgradeWithBody.TakeBody(context) is { } taken
            ? JsonBody.Parse(taken, ApiJson.Context.ExecStartRequest)
            : await context.Request.ReadJsonAsync(ApiJson.Context.ExecStartRequest);
        var request = body ?? new ExecStartRequest();
        var exec = containers.Exec(id); // 404 before anything is hijacked
        if (request.Detach)
        {
            await containers.StartExecAsync(id, request, attached: false, readInput: false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }
        // As dockerd: hijack first, then start; a failure to start is text in the stream and the exit code tells the rest.
        var tty = exec.Config.Tty;
        var (connection, hijacked) = await HijackedStreams.OpenAsync(context, tty);
        var started = await containers.StartExecAsync(id, request, attached: true, readInput: hijacked);
        if (started.Failure is { } failure)
        {
            var text = System.Text.Encoding.UTF8.GetBytes(failure + "\r\n");
            try
            {
                if (tty) await connection.WriteAsync(text, context.RequestAborted);
                else await StreamFraming.WriteFrameAsync(connection, StdStream.Stdout, text, context.RequestAborted);
                await connection.FlushAsync(context.RequestAborted);
            }
            catch (Exception e) when (HijackedStreams.IsClientGone(e, context.RequestAborted)) { }
            return;
        }
        var end = await HijackedStreams.PumpAsync(started.Streams!, connection, readInput: hijacked, context.RequestAborted);
        if (end == AttachInputEnd.Detached) containers.ExecDetached(id);
    }

    private static IResult Resize(string id, HttpRequest request, ContainerService containers)
    {
        var (width, height) = request.TerminalSize();
        containers.ResizeExec(id, width, height);
        return Results.Ok();
    }

    private static IResult Inspect(string id, ContainerService containers) =>
        Results.Json(containers.InspectExec(id), ApiJson.Context.ExecInspect);
}
