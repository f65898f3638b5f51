using Containers.Engine.Errors;

namespace Containers.Engine.Api;

/// <summary>
/// The route groups this engine does not serve, answered the way clients expect from a Docker engine that is not in
/// a swarm and has no plugins, rather than with a bare 404 (podman answers its unsupported swarm groups the same way):
/// <list type="bullet">
/// <item><c>/swarm</c>, <c>/services</c>, <c>/nodes</c>, <c>/tasks</c>, <c>/secrets</c>, <c>/configs</c>: 503 with dockerd's
/// own wording for a node outside any swarm (moby daemon/cluster: <c>errNoSwarm</c> for leave, <c>errNoManager</c> for the
/// rest). Clients treat these as "no swarm here": docker-py's test teardown accepts 503 from <c>POST /swarm/leave</c>
/// and fails on 404. Creating or joining a swarm is refused with 503 too, saying why.</item>
/// <item><c>/plugins</c>: the list is empty (true: none are installed), a named plugin is not found (dockerd's 404 and
/// wording), and installing one (pull, create, privileges) is 501: plugins are not supported.</item>
/// </list>
/// </summary>
public static class UnservedEndpoints
{
    public const string NotPartOfSwarm = "This node is not part of a swarm";

    public const string NotSwarmManager =
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.";

    public const string SwarmUnsupported = "This engine does not support swarm mode: it cannot create or join a swarm";

    public const string PluginsUnsupported = "plugins are not supported by this engine";

    private static readonly string[] SwarmGroups = ["swarm", "services", "nodes", "tasks", "secrets", "configs"];

    public static void MapUnservedEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var group in SwarmGroups)
        {
            routes.Map("/" + group, NoSwarm);
            routes.Map("/" + group + "/{**rest}", NoSwarm);
        }
        routes.Map("/plugins", NoPlugins);
        routes.Map("/plugins/{**rest}", NoPlugins);
    }

    private static Task NoSwarm(HttpContext context)
    {
        var (method, path) = (context.Request.Method, context.Request.Path.Value ?? "");
        var message = (method, path) switch
        {
            ("POST", "/swarm/leave") => NotPartOfSwarm,
            ("POST", "/swarm/init" or "/swarm/join") => SwarmUnsupported,
            _ => NotSwarmManager,
        };
        throw new UnavailableException(message);
    }

    private static Task NoPlugins(HttpContext context)
    {
        var (method, path) = (context.Request.Method, context.Request.Path.Value ?? "");
        switch (method, path)
        {
            case ("GET", "/plugins"):
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("[]");
            case ("GET", "/plugins/privileges") or ("POST", "/plugins/pull" or "/plugins/create"):
                throw new FeatureNotImplementedException(PluginsUnsupported);
        }
        // dockerd's routes on one plugin: GET {name}/json, DELETE {name}, POST {name}/enable|disable|push|upgrade|set.
        // A name may hold slashes (vieux/sshfs:latest), so the action is the last segment.
        var rest = path.StartsWith("/plugins/", StringComparison.Ordinal) ? path["/plugins/".Length..] : "";
        var slash = rest.LastIndexOf('/');
        var (name, action) = slash > 0 ? (rest[..slash], rest[(slash + 1)..]) : (rest, "");
        if (method == "DELETE") name = rest;
        var onePlugin = name.Length > 0 && (method, action) is ("GET", "json") or ("DELETE", _)
            or ("POST", "enable" or "disable" or "push" or "upgrade" or "set");
        if (onePlugin) throw new NotFoundException($"plugin \"{name}\" not found");
        // Not one of dockerd's plugin routes: the usual JSON 404 naming method and path (written by the status-code pages).
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
