using Containers.Engine.Lifecycle;
using Containers.Engine.Logs;
using Microsoft.AspNetCore.Http.Features;

namespace Containers.Engine.Api;

/// <summary>
/// A container's streams: <c>GET /containers/{id}/logs</c> and <c>POST /containers/{id}/attach</c>. Output is Docker's
/// multiplexed framing (8-byte header per chunk) without a TTY and the raw bytes with one. Attach is the connection
/// hijack <c>docker run</c> and <c>docker attach</c> use: with <c>Upgrade: tcp</c> the answer is 101 and the connection
/// then carries stdin one way and output the other, until the container's run ends (or the client detaches or leaves).
/// </summary>
public static class ContainerStreamEndpoints
{
    public static void MapContainerStreamEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/containers/{id}/logs", LogsAsync);
        routes.MapPost("/containers/{id}/attach", AttachAsync);
    }

    private static async Task LogsAsync(string id, HttpContext context, ContainerService containers)
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
        response.ContentType = MediaType(context, output.Tty);
        await response.StartAsync(context.RequestAborted); // a follower sees the headers before the first line
        await response.Body.FlushAsync(context.RequestAborted);
        await CopyOutputAsync(output.Batches, response.Body, output.Tty, request.Flag("timestamps"), context.RequestAborted);
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
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var response = context.Response;
        response.ContentType = MediaType(context, attach.Tty);
        Stream connection;
        bool hijacked = false;
        if (upgrade is { IsUpgradableRequest: true } && request.Headers.Upgrade.ToString().Contains("tcp", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.Upgrade = "tcp";
            response.Headers.Connection = "Upgrade";
            Hosting.HalfClose.Of(context)?.KeepOutputOpen(); // the docker CLI half-closes when it has no stdin to send
            connection = await upgrade.UpgradeAsync();
            hijacked = true;
        }
        else
        {
            // As dockerd without an upgrade: a 200 whose body is the stream. Stdin needs the hijack, so none is read here.
            response.StatusCode = StatusCodes.Status200OK;
            await response.StartAsync(context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            connection = response.Body;
        }
        // After the upgrade the client's FIN no longer aborts the request (see HalfClose): the attach ends by the
        // container's exit, the end of stdin, the detach keys, or a client that has gone (noticed at a write).
        await PumpAsync(attach, connection, readInput: hijacked && attach.StdinFifo is not null, context.RequestAborted);
    }

    /// <summary>
    /// Output and input side by side until the output ends (the container's run ended), the input ends where Docker
    /// ends the attach with it (detach keys; EOF unless StdinOnce without a TTY), or the client goes away.
    /// </summary>
    private static async Task PumpAsync(ContainerAttachment attach, Stream connection, bool readInput, CancellationToken aborted)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var output = CopyOutputAsync(attach.OutputAsync(done.Token), connection, attach.Tty, timestamps: false, done.Token);
        var input = readInput ? attach.CopyInputAsync(connection, done.Token) : null;
        try
        {
            if (input is not null && await Task.WhenAny(output, input) == input
                && (input.IsFaulted || input.IsCanceled || await input == AttachInputEnd.Detached || !attach.OutputOutlivesInput))
                done.Cancel();
            await output;
        }
        catch (Exception e) when (IsClientGone(e, done.Token)) { }
        finally
        {
            done.Cancel();
            if (input is not null)
            {
                try { await input; }
                catch (Exception e) when (IsClientGone(e, done.Token)) { }
            }
        }
    }

    /// <summary>Writes output batches, one flush per batch; ends quietly when the client has gone.</summary>
    private static async Task CopyOutputAsync(IAsyncEnumerable<IReadOnlyList<LogEntry>> batches, Stream output, bool tty, bool timestamps, CancellationToken cancel)
    {
        try
        {
            await foreach (var batch in batches.WithCancellation(cancel))
            {
                foreach (var entry in batch)
                {
                    var payload = timestamps ? [.. System.Text.Encoding.ASCII.GetBytes(entry.Timestamp + " "), .. entry.Bytes] : entry.Bytes;
                    if (tty) await output.WriteAsync(payload, cancel);
                    else await StreamFraming.WriteFrameAsync(output, (StdStream)entry.Source, payload, cancel);
                }
                await output.FlushAsync(cancel);
            }
        }
        catch (Exception e) when (IsClientGone(e, cancel)) { }
    }

    /// <summary>A write or read failed because the client left (or the attach was ended on purpose): not an error.</summary>
    private static bool IsClientGone(Exception e, CancellationToken cancel) =>
        e is OperationCanceledException && cancel.IsCancellationRequested || e is IOException or ObjectDisposedException;

    /// <summary>dockerd answers API 1.42 and later with the multiplexed media type when there is no TTY.</summary>
    private static string MediaType(HttpContext context, bool tty) =>
        !tty && (context.Items[ApiVersioning.RequestedVersionKey] is not string v || Version.Parse(v) >= new Version(1, 42))
            ? StreamFraming.MultiplexedMediaType
            : StreamFraming.RawMediaType;
}
