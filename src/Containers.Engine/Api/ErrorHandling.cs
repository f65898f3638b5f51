using System.Text.Json;
using Containers.Api;
using Containers.Images.Manifests;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Store;

namespace Containers.Engine.Api;

/// <summary>
/// Turns every failure into Docker's JSON error shape with the right status: API errors keep theirs,
/// malformed JSON is a 400 naming its position, Kestrel's request errors (413 body too large, ...) keep
/// their code, and anything unexpected is a 500 whose body carries the message but never a stack trace.
/// Empty error responses from routing (404, 405) get a JSON body naming the method and path.
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
                if (status >= 500)
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine.Api")
                        .LogError(e, "Handler error for {Method} {Path}", context.Request.Method, context.Request.Path.Value);
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

    /// <summary>The one place exceptions become statuses: the API's own, then the stores' and the registry client's.</summary>
    public static (int Status, string Message) Describe(Exception e) => e switch
    {
        ApiException api => (api.StatusCode, api.Message),
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
