using System.Globalization;
using System.Text.Json;
using Containers.Api;
using Containers.Engine.Daemon;
using Containers.Engine.Errors;
using Containers.Engine.Events;

namespace Containers.Engine.Api;

/// <summary><c>/_ping</c>, <c>/version</c>, <c>/info</c>, <c>/system/df</c> and <c>/events</c>.</summary>
public static class SystemEndpoints
{
    public static void MapSystemEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            context.Response.Headers.Pragma = "no-cache";
            context.Response.ContentType = "text/plain; charset=utf-8";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("OK");
        });

        routes.MapGet("/version", (SystemService system) => Results.Json(system.Version(), ApiJson.Context.VersionResponse));

        routes.MapGet("/info", (SystemService system) => Results.Json(system.Info(), ApiJson.Context.SystemInfo));

        routes.MapGet("/system/df", DiskUsage);

        routes.MapGet("/events", StreamEventsAsync);
    }

    /// <summary>Disk usage; <c>type</c> (API 1.42+, repeatable) limits it to containers, images, volumes or the build cache.</summary>
    private static IResult DiskUsage(HttpContext context, DiskUsageService usage)
    {
        var types = context.Request.Query["type"];
        var byType = types.Count > 0 && (context.Items[ApiVersioning.RequestedVersionKey] is not string v || Version.Parse(v) >= new Version(1, 42));
        return Results.Json(usage.Usage(byType ? types.Select(t => t ?? "").ToList() : null), ApiJson.Context.SystemDataUsageResponse);
    }

    /// <summary>
    /// Streams events as JSON lines. <c>since</c> replays retained events; with <c>until</c> the stream ends
    /// once that time is reached (immediately when it is in the past), otherwise it follows until the client leaves.
    /// </summary>
    private static async Task StreamEventsAsync(HttpContext context, SystemService system, IHostApplicationLifetime lifetime)
    {
        var query = context.Request.Query;
        var since = ParseTimestamp(query["since"], "since");
        var until = ParseTimestamp(query["until"], "until");
        var filter = EventFilter.Parse(query["filters"]);
        var nowNano = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        if (since is { } s && s > nowNano && until is null)
            throw new InvalidParameterException("since time is in the future");

        using var subscription = system.SubscribeEvents();
        context.Response.ContentType = "application/json";
        context.Response.StatusCode = 200;
        await context.Response.StartAsync(context.RequestAborted);
        // Send the headers now, as dockerd does: a client waits for them before it reads the stream.
        await context.Response.Body.FlushAsync(context.RequestAborted);

        bool InWindow(EventMessage e) => (since is null || e.TimeNano >= since) && (until is null || e.TimeNano <= until);

        async Task WriteAsync(EventMessage e)
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, e, ApiJson.Context.EventMessage, context.RequestAborted);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        if (since is not null)
            foreach (var e in subscription.History.Where(e => InWindow(e) && filter.Matches(e)))
                await WriteAsync(e);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        if (until is { } u)
        {
            var remaining = TimeSpan.FromTicks(Math.Max(0, (u - nowNano) / 100));
            if (remaining == TimeSpan.Zero) return;
            stop.CancelAfter(remaining);
        }
        var seen = subscription.History.Count > 0 ? subscription.History[^1].TimeNano : 0;
        try
        {
            await foreach (var e in subscription.Live.ReadAllAsync(stop.Token))
                if (e.TimeNano > seen && InWindow(e) && filter.Matches(e)) await WriteAsync(e);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // until reached or engine stopping: end the stream normally.
        }
    }

    /// <summary>Docker's timestamps: seconds since the epoch with an optional fraction (<c>1700000000.5</c>), as nanoseconds.</summary>
    public static long? ParseTimestamp(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text.Split('.');
        if (parts.Length > 2 || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || (parts.Length == 2 && (parts[1].Length is 0 or > 9 || !parts[1].All(char.IsAsciiDigit))))
            throw new InvalidParameterException($"invalid value for {name}: \"{text}\" is not a timestamp (seconds since the epoch, with an optional fraction)");
        var nanos = parts.Length == 2 ? long.Parse(parts[1].PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
        return seconds * 1_000_000_000 + nanos;
    }
}
