using Containers.Engine.Logs;
using Microsoft.AspNetCore.Http.Features;

namespace Containers.Engine.Api;

/// <summary>
/// The connection hijack that attach and exec share. With <c>Upgrade: tcp</c> the answer is 101 and the connection then
/// carries the client's input one way and output the other (Docker's multiplexed framing without a TTY, raw bytes with
/// one); without it, a 200 whose body is the output. The pump ends with the output (the run or process ended), with the
/// input where Docker ends it (detach keys; EOF unless output outlives input), or when the client has gone.
/// </summary>
public static class HijackedStreams
{
    /// <summary>Answers the request: 101 and the raw connection (hijacked), or 200 and the response body.</summary>
    public static async Task<(Stream Connection, bool Hijacked)> OpenAsync(HttpContext context, bool tty)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var request = context.Request;
        var response = context.Response;
        response.ContentType = MediaType(context, tty);
        if (upgrade is { IsUpgradableRequest: true } && request.Headers.Upgrade.ToString().Contains("tcp", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.Upgrade = "tcp";
            response.Headers.Connection = "Upgrade";
            Hosting.HalfClose.Of(context)?.KeepOutputOpen(); // the docker CLI half-closes when it has no stdin to send
            return (await upgrade.UpgradeAsync(), true);
        }
        // As dockerd without an upgrade: a 200 whose body is the stream. Stdin needs the hijack, so none is read here.
        response.StatusCode = StatusCodes.Status200OK;
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        return (response.Body, false);
    }

    /// <summary>
    /// Output and input side by side until the output ends, the input ends where Docker ends the attach with it (detach
    /// keys; EOF unless the output outlives the input), or the client goes away. After an upgrade the client's FIN no
    /// longer aborts the request (see HalfClose), so a client that has gone is noticed at a write.
    /// </summary>
    public static async Task<AttachInputEnd?> PumpAsync(IAttachedStreams streams, Stream connection, bool readInput, CancellationToken aborted)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var output = CopyOutputAsync(streams.OutputAsync(done.Token), connection, streams.Tty, timestamps: false, done.Token);
        var input = readInput && streams.HasInput ? streams.CopyInputAsync(connection, done.Token) : null;
        AttachInputEnd? end = null;
        try
        {
            if (input is not null && await Task.WhenAny(output, input) == input
                && (input.IsFaulted || input.IsCanceled || (end = await input) == AttachInputEnd.Detached || !streams.OutputOutlivesInput))
                done.Cancel();
            await output;
        }
        catch (Exception e) when (IsClientGone(e, done.Token)) { }
        finally
        {
            done.Cancel();
            if (input is not null)
            {
                try { end ??= await input; }
                catch (Exception e) when (IsClientGone(e, done.Token)) { }
            }
        }
        return end;
    }

    /// <summary>Writes output batches, one flush per batch; ends quietly when the client has gone.</summary>
    public static async Task CopyOutputAsync(IAsyncEnumerable<IReadOnlyList<LogEntry>> batches, Stream output, bool tty, bool timestamps, CancellationToken cancel)
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
    public static bool IsClientGone(Exception e, CancellationToken cancel) =>
        e is OperationCanceledException && cancel.IsCancellationRequested || e is IOException or ObjectDisposedException;

    /// <summary>dockerd answers API 1.42 and later with the multiplexed media type when there is no TTY.</summary>
    public static string MediaType(HttpContext context, bool tty) =>
        !tty && (context.Items[ApiVersioning.RequestedVersionKey] is not string v || Version.Parse(v) >= new Version(1, 42))
            ? StreamFraming.MultiplexedMediaType
            : StreamFraming.RawMediaType;
}
