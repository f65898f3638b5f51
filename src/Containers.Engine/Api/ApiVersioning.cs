using System.Text.RegularExpressions;
using Containers.Api;

namespace Containers.Engine.Api;

/// <summary>
/// Docker's versioned routes: <c>/v1.47/info</c> and <c>/info</c> are the same endpoint. The version prefix is
/// stripped before routing; a version newer than ours or older than the minimum is refused with Docker's 400
/// messages. Every response carries the API-Version, OSType, Docker-Experimental and Server headers.
/// </summary>
public static partial class ApiVersioning
{
    public const string OriginalPathKey = "containers.original-path";
    public const string RequestedVersionKey = "containers.api-version";

    [GeneratedRegex(@"^/v(\d+)\.(\d+)(/.*)?$")]
    private static partial Regex VersionedPath();

    /// <summary>Whether the request named an API version older than major.minor (an unversioned path is the current version).</summary>
    public static bool RequestedBefore(HttpContext context, int major, int minor) =>
        context.Items[RequestedVersionKey] is string v && Version.Parse(v) < new Version(major, minor);

    public static IApplicationBuilder UseApiVersioning(this IApplicationBuilder app, string serverHeader)
    {
        var current = Version.Parse(ApiVersions.Current);
        var minimum = Version.Parse(ApiVersions.Minimum);
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers["Api-Version"] = ApiVersions.Current;
                headers["Ostype"] = "linux";
                headers["Docker-Experimental"] = "false";
                headers["Server"] = serverHeader;
                return Task.CompletedTask;
            });

            var path = context.Request.Path.Value ?? "/";
            context.Items[OriginalPathKey] = path;
            var match = VersionedPath().Match(path);
            if (match.Success)
            {
                var requested = new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
                var text = $"{requested.Major}.{requested.Minor}";
                if (requested > current)
                {
                    await ErrorHandling.WriteErrorAsync(context, 400,
                        $"client version {text} is too new. Maximum supported API version is {ApiVersions.Current}");
                    return;
                }
                if (requested < minimum)
                {
                    await ErrorHandling.WriteErrorAsync(context, 400,
                        $"client version {text} is too old. Minimum supported API version is {ApiVersions.Minimum}, please upgrade your client to a newer version");
                    return;
                }
                context.Items[RequestedVersionKey] = text;
                context.Request.Path = match.Groups[3].Success ? match.Groups[3].Value : "/";
            }
            await next(context);
        });
    }
}
