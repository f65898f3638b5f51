using Containers.Engine.Lifecycle;
using Containers.Engine.Logs;

namespace Containers.Engine.Api;

/// <summary>
/// A container's streams: <c>GET /containers/{id}/logs</c> and <c>POST /containers/{id}/attach</c>. Output is Docker's
/// multiplexed framing (8-byte header per chunk) without a TTY and the raw bytes with one. Attach is the connection
/// hijack <c>docker run</c> and <c>docker attach</c> use (<see cref="HijackedStreams"/>, shared with exec): stdin one
/// way and output the other, until the container's run ends (or the client detaches or leaves).
/// </summary>
public static class ContainerStreamEndpoints
{
    public static void MapContainerStreamEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/containers/{id}/logs", LogsAsync);
        routes.MapPost("/containers/{id}/attach", AttachAsync);
    }

    /// <remarks>A follower ends when the client leaves or the engine stops (cleanly: the response completes, the
    /// engine's stop does not wait for it).</remarks>
    private static async Task LogsAsync(string id, HttpContext context, ContainerService containers, IHostApplicationLifetime lifetime)
    {
        var request = context.Request;
        var output = containers.Logs(id, new LogReadOptions
        {
            Stdout = request.Flag("stdout"),
            Stderr = request.Flag("stderr"),
            Since = LogReadOptions.ParseTime(request.Text("since"), "since"),
            Until = LogReadOptions.ParseTime(request.Text("until"), "until"),
            Tail = LogReadOptions.ParseTail(request.Text("tail")),
            Follow = request.Flag("follow"),
        }); // "details" adds a log's attributes; the shim records none, so there is nothing to add
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = HijackedStreams.MediaType(context, output.Tty);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await response.StartAsync(stop.Token); // a follower sees the headers before the first line
            await response.Body.FlushAsync(stop.Token);
            await HijackedStreams.CopyOutputAsync(output.Batches, response.Body, output.Tty, request.Flag("timestamps"), stop.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static async Task AttachAsync(string id, HttpContext context, ContainerService containers)
    {
        var request = context.Request;
        var attach = containers.Attach(id, new AttachOptions
        {
            Stream = request.Flag("stream"),
            Logs = request.Flag("logs"),
            Stdin = request.Flag("stdin"),
            Stdout = request.Flag("stdout"),
            Stderr = request.Flag("stderr"),
            DetachKeys = request.Text("detachKeys"),
        });
        var (connection, hijacked) = await HijackedStreams.OpenAsync(context, attach.Tty);
        await HijackedStreams.PumpAsync(attach, connection, readInput: hijacked, context.RequestAborted);
    }
}
