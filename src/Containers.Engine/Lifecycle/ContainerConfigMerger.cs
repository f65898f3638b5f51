using Containers.Api;
using Containers.Engine.Errors;
using ImageContainerConfig = Containers.Images.Manifests.ContainerConfig;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Docker's rules for what a container runs, from its create request and its image: the request's Entrypoint replaces
/// the image's and then drops the image's Cmd; the request's Cmd replaces the image's; Env is the image's with the
/// request's variables added or replacing by name; WorkingDir, User and StopSignal fall back to the image's; labels merge;
/// the health check is the request's with every unset field (no test, zero durations or retries) taken from the image's.
/// Exposed ports and volumes are the request's and the image's.
/// </summary>
public static class ContainerConfigMerger
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static (ContainerConfig Config, string Path, List<string> Args) Merge(ContainerCreateRequest request, ImageContainerConfig? image, string imageName, string id)
    {
        var entrypoint = request.Entrypoint ?? image?.Entrypoint ?? [];
        var cmd = request.Cmd ?? (request.Entrypoint is null ? image?.Cmd : null) ?? [];
        var command = entrypoint.Concat(cmd).ToList();
        if (command.Count == 0) throw new InvalidParameterException("No command specified");

        var env = new List<string>(image?.Env ?? []);
        foreach (var variable in request.Env ?? [])
        {
            var name = variable.Split('=', 2)[0];
            env.RemoveAll(e => e.Split('=', 2)[0] == name);
            env.Add(variable);
        }
        if (!env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal))) env.Insert(0, DefaultPath);

        var labels = new Dictionary<string, string>(image?.Labels ?? []);
        foreach (var (k, v) in request.Labels ?? []) labels[k] = v;

        var config = new ContainerConfig
        {
            Hostname = string.IsNullOrEmpty(request.Hostname) ? id[..12] : request.Hostname,
            Domainname = request.Domainname ?? "",
            User = request.User ?? image?.User ?? "",
            AttachStdin = request.AttachStdin,
            AttachStdout = request.AttachStdout,
            AttachStderr = request.AttachStderr,
            Tty = request.Tty,
            OpenStdin = request.OpenStdin,
            StdinOnce = request.StdinOnce,
            Env = env,
            Cmd = cmd.Count > 0 ? [.. cmd] : null,
            Entrypoint = entrypoint.Count > 0 ? [.. entrypoint] : null,
            Image = imageName,
            WorkingDir = request.WorkingDir is { Length: > 0 } w ? w : image?.WorkingDir ?? "",
            Labels = labels,
            StopSignal = request.StopSignal ?? image?.StopSignal,
            StopTimeout = request.StopTimeout,
            Healthcheck = MergeHealthcheck(request.Healthcheck, image?.Healthcheck),
            ExposedPorts = MergeKeys(request.ExposedPorts, image?.ExposedPorts),
            Volumes = MergeKeys(request.Volumes, image?.Volumes),
        };
        return (config, command[0], command.Skip(1).ToList());
    }

    /// <summary>dockerd's merge of exposed ports and of volumes: the image's are added to the request's (so -P publishes an
    /// image's EXPOSE, and each of its VOLUMEs becomes an anonymous volume at create).</summary>
    private static Dictionary<string, EmptyObject>? MergeKeys(Dictionary<string, EmptyObject>? request,
        Dictionary<string, System.Text.Json.JsonElement>? image)
    {
        if (image is not { Count: > 0 }) return request;
        var merged = new Dictionary<string, EmptyObject>(request ?? []);
        foreach (var key in image.Keys) merged.TryAdd(key, new EmptyObject());
        return merged;
    }

    private static HealthConfig? MergeHealthcheck(HealthConfig? request, Containers.Images.Manifests.HealthConfig? image)
    {
        if (image is null) return request;
        return new HealthConfig
        {
            Test = request?.Test is { Count: > 0 } test ? test : image.Test,
            Interval = request?.Interval is > 0 and var interval ? interval : image.Interval,
            Timeout = request?.Timeout is > 0 and var timeout ? timeout : image.Timeout,
            StartPeriod = request?.StartPeriod is > 0 and var startPeriod ? startPeriod : image.StartPeriod,
            StartInterval = request?.StartInterval is > 0 and var startInterval ? startInterval : image.StartInterval,
            Retries = request?.Retries is > 0 and var retries ? retries : image.Retries,
        };
    }
}
