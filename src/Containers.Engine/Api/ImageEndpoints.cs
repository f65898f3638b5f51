using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Containers.Api;
using Containers.Engine.Images;
using Containers.Images.Pull;
using Containers.Images.References;

namespace Containers.Engine.Api;

/// <summary>
/// <c>/images</c>, <c>/distribution</c> and <c>/auth</c>. Image names contain slashes, so the per-image routes are one
/// catch-all (<c>/images/{name...}/json|history|tag</c>, <c>DELETE /images/{name...}</c>) dispatched on the last segment.
/// </summary>
public static class ImageEndpoints
{
    public static void MapImageEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/images/create", PullAsync);

        routes.MapGet("/images/json", (HttpRequest request, ImageService images) =>
        {
            var all = Flag(request.Query["all"]);
            var filters = Filters.Parse(request.Query["filters"]).ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value);
            var list = images.Store.List(all, filters).Select(ImageViews.Summary).ToList();
            return Results.Json(list, ApiJson.Context.ListImageSummary);
        });

        routes.MapPost("/images/prune", (HttpRequest request, ImageService images) =>
        {
            var filters = Filters.Parse(request.Query["filters"]);
            var all = filters.Remove("dangling", out var dangling) && dangling.Any(v => v is "false" or "0");
            foreach (var key in filters.Keys)
                if (key != "label") throw ApiException.BadRequest($"invalid filter '{key}'");
            var labels = filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value);
            var (deleted, reclaimed) = images.Prune(all, labels);
            return Results.Json(new ImagePruneResponse { ImagesDeleted = deleted.Select(ImageViews.Delete).ToList(), SpaceReclaimed = reclaimed },
                ApiJson.Context.ImagePruneResponse);
        });

        routes.MapGet("/images/{**path}", (string path, ImageService images) =>
        {
            if (TrySplit(path, "/json", out var name))
                return Results.Json(ImageViews.Inspect(images.Store.Summarize(images.Store.Get(name)), images.Snapshots.Driver), ApiJson.Context.ImageInspect);
            if (TrySplit(path, "/history", out name))
                return Results.Json(images.Store.History(name).Select(ImageViews.History).ToList(), ApiJson.Context.ListImageHistoryItem);
            throw ApiException.NotFound($"page not found: GET /images/{path}");
        });

        routes.MapPost("/images/{**path}", (string path, HttpRequest request, ImageService images) =>
        {
            if (TrySplit(path, "/tag", out var name))
            {
                var repo = request.Query["repo"].ToString();
                if (repo.Length == 0) throw ApiException.BadRequest("repository name must have at least one component");
                images.Tag(name, repo, request.Query["tag"].ToString() is { Length: > 0 } tag ? tag : null);
                return Results.StatusCode(StatusCodes.Status201Created);
            }
            if (TrySplit(path, "/push", out _)) throw ApiException.BadRequest("pushing images is not supported yet");
            throw ApiException.NotFound($"page not found: POST /images/{path}");
        });

        routes.MapDelete("/images/{**name}", (string name, HttpRequest request, ImageService images) =>
        {
            var deleted = images.Remove(name, Flag(request.Query["force"]));
            return Results.Json(deleted.Select(ImageViews.Delete).ToList(), ApiJson.Context.ListImageDeleteItem);
        });

        routes.MapGet("/distribution/{**path}", async (string path, HttpRequest request, ImageService images, CancellationToken cancel) =>
        {
            if (!TrySplit(path, "/json", out var name)) throw ApiException.NotFound($"page not found: GET /distribution/{path}");
            var reference = ImageReference.Parse(name);
            var credentials = Credentials(request);
            var manifest = await images.Registry.GetManifestAsync(reference, reference.ManifestReference, credentials, cancel);
            List<Containers.Images.Manifests.Platform> platforms;
            if (manifest.Parsed.Index is { } index)
            {
                platforms = index.Manifests.Select(m => m.Platform).OfType<Containers.Images.Manifests.Platform>().ToList();
            }
            else
            {
                // A single manifest names no platform; its config does.
                var configDigest = Containers.Images.Content.Digest.Parse(manifest.Parsed.Manifest!.Config.Digest);
                var config = JsonSerializer.Deserialize<Containers.Images.Manifests.ImageConfig>(
                    await images.Registry.GetBlobBytesAsync(reference, configDigest, 8 << 20, credentials, cancel))!;
                platforms = [new() { Architecture = config.Architecture ?? "", Os = config.Os ?? "", Variant = config.Variant }];
            }
            var inspect = new DistributionInspect
            {
                Descriptor = new OciDescriptor { MediaType = manifest.MediaType, Digest = manifest.Digest.ToString(), Size = manifest.Bytes.Length },
                Platforms = platforms.Select(p => new OciPlatform { Architecture = p.Architecture, Os = p.Os, Variant = p.Variant, OsVersion = p.OsVersion }).ToList(),
            };
            return Results.Json(inspect, ApiJson.Context.DistributionInspect);
        });

        routes.MapPost("/auth", async (HttpRequest request, ImageService images, CancellationToken cancel) =>
        {
            var auth = await request.ReadJsonAsync(ApiJson.Context.AuthConfig) ?? throw ApiException.BadRequest("missing credentials in the request body");
            return Results.Json(await images.LoginAsync(auth, cancel), ApiJson.Context.AuthResponse);
        });
    }

    /// <summary>
    /// <c>POST /images/create?fromImage=&amp;tag=&amp;platform=</c>: streams Docker's JSON progress lines while pulling.
    /// Errors once the stream has started are sent in-band, as Docker does (<c>{"errorDetail":...,"error":...}</c>).
    /// </summary>
    private static async Task PullAsync(HttpContext context, ImageService images)
    {
        var query = context.Request.Query;
        if (query.ContainsKey("fromSrc")) throw ApiException.BadRequest("importing images (fromSrc) is not supported yet");
        var fromImage = query["fromImage"].ToString();
        if (fromImage.Length == 0) throw ApiException.BadRequest("fromImage is required");
        var reference = ImageReference.FromApi(fromImage, query["tag"]);
        var auth = AuthHeader(context.Request);

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var pull = Task.Run(async () =>
        {
            try
            {
                await images.PullAsync(reference, query["platform"], auth, p => lines.Writer.TryWrite(p.ToDockerJson()), context.RequestAborted);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                var message = ErrorHandling.Describe(e).Message;
                lines.Writer.TryWrite(JsonSerializer.Serialize(
                    new ProgressMessage { Error = message, ErrorDetail = new ErrorDetail { Message = message } }, ApiJson.Context.ProgressMessage));
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        });
        await foreach (var line in lines.Reader.ReadAllAsync(context.RequestAborted))
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        await pull;
    }

    private static AuthConfig? AuthHeader(HttpRequest request)
    {
        var header = request.Headers["X-Registry-Auth"].ToString();
        if (header.Length == 0) return null;
        try
        {
            return RegistryAuthHeader.Decode(header);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw ApiException.BadRequest("invalid X-Registry-Auth header: expected base64url-encoded JSON credentials");
        }
    }

    private static Containers.Images.Registry.RegistryCredentials? Credentials(HttpRequest request) =>
        AuthHeader(request) is { Username.Length: > 0 } a ? new(a.Username, a.Password ?? "") : null;

    private static bool TrySplit(string path, string suffix, out string name)
    {
        name = path.EndsWith(suffix, StringComparison.Ordinal) ? path[..^suffix.Length] : "";
        return name.Length > 0;
    }

    private static bool Flag(string? value) => value is "1" or "true" or "True";
}
