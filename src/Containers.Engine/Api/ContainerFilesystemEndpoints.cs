using System.Text.Json;
using Containers.Api;
using Containers.Engine.Lifecycle;
using Microsoft.AspNetCore.Http.Features;

namespace Containers.Engine.Api;

/// <summary>
/// A container's files: <c>HEAD/GET/PUT /containers/{id}/archive</c> (docker cp; the path's stat travels base64-encoded in
/// <c>X-Docker-Container-Path-Stat</c>), <c>GET /containers/{id}/changes</c> (docker diff) and
/// <c>GET /containers/{id}/export</c> (docker export). Tars stream both ways: an upload has no body size limit.
/// </summary>
public static class ContainerFilesystemEndpoints
{
    private const string TarMediaType = "application/x-tar";

    public static void MapContainerFilesystemEndpoints(this IEndpointRouteBuilder routes)
    {
        var container = routes.MapGroup("/containers/{id}");
        container.MapMethods("/archive", ["HEAD"], StatPathAsync);
        container.MapGet("/archive", ArchivePathAsync);
        container.MapPut("/archive", ExtractAsync);
        container.MapGet("/changes", ChangesAsync);
        container.MapGet("/export", ExportAsync);
    }

    private static async Task StatPathAsync(string id, HttpContext context, ContainerService containers)
    {
        var stat = await containers.StatPathAsync(id, context.Request.Query["path"].ToString());
        SetStatHeader(context.Response, stat);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static Task ArchivePathAsync(string id, HttpContext context, ContainerService containers) =>
        containers.ArchivePathAsync(id, context.Request.Query["path"].ToString(), async stat =>
        {
            SetStatHeader(context.Response, stat);
            return await StartTarAsync(context);
        }, context.RequestAborted);

    private static async Task<IResult> ExtractAsync(string id, HttpContext context, ContainerService containers)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var request = context.Request;
        await containers.ExtractToDirectoryAsync(id, request.Query["path"].ToString(), request.Flag("copyUIDGID"), request.Flag("noOverwriteDirNonDir"),
            request.Body, context.RequestAborted);
        return Results.Ok();
    }

    private static async Task<IResult> ChangesAsync(string id, ContainerService containers) =>
        Results.Json(await containers.ChangesAsync(id), ApiJson.Context.ListContainerChange);

    private static Task ExportAsync(string id, HttpContext context, ContainerService containers) =>
        containers.ExportAsync(id, () => StartTarAsync(context), context.RequestAborted);

    private static void SetStatHeader(HttpResponse response, ContainerPathStat stat) =>
        response.Headers[ContainerPathStat.Header] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(stat, ApiJson.Context.ContainerPathStat));

    private static async Task<Stream> StartTarAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = TarMediaType;
        await context.Response.StartAsync(context.RequestAborted);
        return context.Response.Body;
    }
}
