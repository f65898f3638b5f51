using System.Text.Json;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Store;

namespace Containers.Engine.Api;

/// <summary>
/// Turns every failure into Docker's JSON error shape with the right status (moby's errdefs → httpstatus): the engine's
/// domain errors by kind, the image library's by type, malformed JSON a 400 naming its position, Kestrel's request
/// errors (413 body too large, ...) keep their code, and anything unexpected is a 500 whose body carries the message but
/// never a stack trace. The caller's mistakes (4xx) and what is not built (501) are logged at debug level only; real
/// server errors are logged as errors. Empty error responses from routing (404, 405) get a JSON body naming the path.
/// </summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is nobody to answer.
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                var (status, message) = Describe(e);
                var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine.Api");
                if (IsClientError(status))
                    log.LogDebug("{Method} {Path}: {Status} {Message}", context.Request.Method, context.Request.Path.Value, status, message);
                else
                    log.LogError(e, "Handler error for {Method} {Path}", context.Request.Method, context.Request.Path.Value);
                await WriteErrorAsync(context, status, message);
            }
        });
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var code = context.Response.StatusCode;
            var message = code switch
            {
                404 => $"page not found: {context.Request.Method} {OriginalPath(context)}",
                405 => $"method not allowed: {context.Request.Method} {OriginalPath(context)}",
                _ => $"request failed with status {code}",
            };
            await WriteErrorAsync(context, code, message);
        });
        return app;
    }

    /// <summary>
    /// A status that reports the caller's request, not a failure of the engine: 4xx, 501 (asked for what is not built) and
    /// 503 (only <see cref="UnavailableException"/> maps to it: asked for a mode this engine is not in, such as swarm).
    /// </summary>
    public static bool IsClientError(int status) =>
        status is >= 400 and < 500 or StatusCodes.Status501NotImplemented or StatusCodes.Status503ServiceUnavailable;

    /// <summary>The one place exceptions become statuses: the engine's domain errors, then the image library's.</summary>
    public static (int Status, string Message) Describe(Exception e) => e switch
    {
        NotFoundException => (404, e.Message),
        ConflictException => (409, e.Message),
        InvalidParameterException => (400, e.Message),
        ForbiddenException => (403, e.Message),
        FeatureNotImplementedException => (501, e.Message),
        UnavailableException => (503, e.Message),
        JsonException json => (400, DescribeJsonError(json)),
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 413 ? "request body too large" : bad.Message),
        ReferenceFormatException or FormatException => (400, e.Message),
        ImageNotFoundException or RegistryNotFoundException or PlatformNotFoundException => (404, e.Message),
        ImageConflictException => (409, e.Message),
        RegistryAuthenticationException => (401, e.Message),
        UnsupportedManifestException => (400, e.Message),
        _ => (500, e.Message),
    };

    public static string DescribeJsonError(JsonException e)
    {
        var position = e.LineNumber is { } line
            ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}"
            : "";
        var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" (field {e.Path})";
        return $"malformed JSON body{position}{path}";
    }

    /// <summary>
    /// Writes <c>{"message": ...}</c> with the Content-Type exactly <c>application/json</c>: the docker CLI only parses
    /// error bodies with that exact type (a charset parameter makes it print the raw JSON).
    /// </summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse { Message = message }, ApiJson.Context.ErrorResponse, context.RequestAborted);
    }

    private static string OriginalPath(HttpContext context) =>
        context.Items[ApiVersioning.OriginalPathKey] as string ?? context.Request.Path.Value ?? "/";
}
