using System.Globalization;
using Containers.Api;

namespace Containers.Engine.Lifecycle;

/// <summary>The API's views of a container record: inspect, the list row, and the human status line.</summary>
public static class ContainerViews
{
    public static ContainerInspect Inspect(ContainerRecord r, string containerDirectory, string storageDriver) => new()
    {
        Id = r.Id,
        Created = Rfc3339(r.Created),
        Path = r.Path,
        Args = r.Args,
        State = r.State,
        Image = r.ImageId,
        Name = "/" + r.Name,
        RestartCount = r.RestartCount,
        Driver = storageDriver,
        HostConfig = r.HostConfig,
        Config = r.Config,
        LogPath = r.HostConfig.LogConfig.Type == "none" ? "" : Path.Combine(containerDirectory, r.Id + "-json.log"),
        HostnamePath = Path.Combine(containerDirectory, "hostname"),
        HostsPath = Path.Combine(containerDirectory, "hosts"),
        ResolvConfPath = Path.Combine(containerDirectory, "resolv.conf"),
    };

    public static ContainerSummary Summary(ContainerRecord r, DateTimeOffset now) => new()
    {
        Id = r.Id,
        Names = ["/" + r.Name],
        Image = r.ImageName,
        ImageID = r.ImageId,
        // As dockerd shows it: arguments containing spaces in single quotes.
        Command = string.Join(' ', r.Args.Select(a => a.Contains(' ') ? $"'{a}'" : a).Prepend(r.Path)).Trim(),
        Created = r.Created.ToUnixTimeSeconds(),
        Labels = r.Config.Labels,
        State = r.Status.Name,
        Status = StatusText(r.State, now),
        HostConfig = new HostConfigSummary { NetworkMode = r.HostConfig.NetworkMode is "" ? "default" : r.HostConfig.NetworkMode },
    };

    /// <summary>"Up 5 minutes", "Exited (137) 3 seconds ago", "Created", as <c>docker ps</c> shows.</summary>
    public static string StatusText(ContainerState s, DateTimeOffset now) => ContainerStatus.Of(s).StatusText(s, now);

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
