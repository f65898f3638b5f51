using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Filtering;
using Containers.Engine.Images;
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
        var images = routes.MapGroup("/images");
        images.MapPost("/create", PullAsync);
        images.MapGet("/json", List);
        images.MapPost("/prune", Prune);
        images.MapGet("/{**path}", InspectOrHistory);
        images.MapPost("/{**path}", TagOrPush);
        images.MapDelete("/{**name}", Remove);
        routes.MapGet("/distribution/{**path}", InspectDistributionAsync);
        routes.MapPost("/auth", LoginAsync);
    }

    private static IResult List(HttpRequest request, ImageService images) =>
        // all=1 would add intermediate images of local builds; pulled images have none, so the list is the same.
        Results.Json(images.List(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.ListImageSummary);

    private static IResult Prune(HttpRequest request, ImageService images) =>
        Results.Json(images.Prune(FilterArgs.FromJson(request.Query["filters"])), ApiJson.Context.ImagePruneResponse);

    private static IResult InspectOrHistory(string path, ImageService images)
    {
        if (TrySplit(path, "/json", out var name)) return Results.Json(images.Inspect(name), ApiJson.Context.ImageInspect);
        if (TrySplit(path, "/history", out name)) return Results.Json(images.History(name), ApiJson.Context.ListImageHistoryItem);
        throw new NotFoundException($"page not found: GET /images/{path}");
    }

    private static IResult TagOrPush(string path, HttpRequest request, ImageService images)
    {
        if (TrySplit(path, "/tag", out var name))
        {
            var repo = request.Text("repo") ?? throw new InvalidParameterException("repository name must have at least one component");
            images.Tag(name, repo, request.Text("tag"));
            return Results.StatusCode(StatusCodes.Status201Created);
        }
        if (TrySplit(path, "/push", out _)) throw new InvalidParameterException("pushing images is not supported yet");
        throw new NotFoundException($"page not found: POST /images/{path}");
    }

    private static IResult Remove(string name, HttpRequest request, ImageService images) =>
        Results.Json(images.Remove(name, request.Flag("force"), request.Flag("noprune")), ApiJson.Context.ListImageDeleteItem);

    private static async Task<IResult> InspectDistributionAsync(string path, HttpRequest request, ImageService images, CancellationToken cancel)
    {
        if (!TrySplit(path, "/json", out var name)) throw new NotFoundException($"page not found: GET /distribution/{path}");
        return Results.Json(await images.InspectDistributionAsync(name, AuthHeader(request), cancel), ApiJson.Context.DistributionInspect);
    }

    private static async Task<IResult> LoginAsync(HttpRequest request, ImageService images, CancellationToken cancel)
    {
        var auth = await request.ReadJsonAsync(ApiJson.Context.AuthConfig) ?? throw new InvalidParameterException("missing credentials in the request body");
        return Results.Json(await images.LoginAsync(auth, cancel), ApiJson.Context.AuthResponse);
    }

    /// <summary>
    /// <c>POST /images/create?fromImage=&amp;tag=&amp;platform=</c>: streams Docker's JSON progress lines while pulling.
    /// Errors once the stream has started are sent in-band, as Docker does (<c>{"errorDetail":...,"error":...}</c>).
    /// </summary>
    private static async Task PullAsync(HttpContext context, ImageService images)
    {
        var request = context.Request;
        if (request.Query.ContainsKey("fromSrc")) throw new InvalidParameterException("importing images (fromSrc) is not supported yet");
        var fromImage = request.Text("fromImage") ?? throw new InvalidParameterException("fromImage is required");
        var reference = ImageReference.FromApi(fromImage, request.Query["tag"]);
        var auth = AuthHeader(request);

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var pull = Task.Run(async () =>
        {
            try
            {
                await images.PullAsync(reference, request.Query["platform"], auth, p => lines.Writer.TryWrite(p.ToDockerJson()), context.RequestAborted);
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
            throw new InvalidParameterException("invalid X-Registry-Auth header: expected base64url-encoded JSON credentials");
        }
    }

    private static bool TrySplit(string path, string suffix, out string name)
    {
        name = path.EndsWith(suffix, StringComparison.Ordinal) ? path[..^suffix.Length] : "";
        return name.Length > 0;
    }
}
