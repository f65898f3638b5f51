using System.Globalization;
using System.Text.Json;
using Containers.Api;
using Containers.Engine.Networks.Ports;
using Containers.Runtime.Spec;

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
        HostConfig = InspectHostConfig(r.HostConfig),
        GraphDriver = new GraphDriverData { Name = storageDriver },
        Config = r.Config,
        LogPath = r.HostConfig.LogConfig.Type == "none" ? "" : Path.Combine(containerDirectory, r.Id + "-json.log"),
        HostnamePath = Path.Combine(containerDirectory, "hostname"),
        HostsPath = Path.Combine(containerDirectory, "hosts"),
        ResolvConfPath = Path.Combine(containerDirectory, "resolv.conf"),
        Mounts = MountPoints(r),
    };

    private static List<MountPoint> MountPoints(ContainerRecord r) => r.Mounts.Select(m => m.Point).ToList();

    /// <summary>
    /// The name dockerd would show in HostConfig.Runtime when none was asked for: its default runtime's, as <c>/info</c>'s
    /// DefaultRuntime reports it. Ours is containers-runtime (claiming "runc" would name a runtime that is not used).
    /// </summary>
    public const string DefaultRuntime = "containers-runtime";

    /// <summary>
    /// The stored HostConfig with what dockerd fills in at create: the runtime's name, an OomScoreAdj of 0, and the masked
    /// and read-only paths the container actually gets (the default spec's, none when privileged). A copy, so the view
    /// never changes the stored record.
    /// </summary>
    private static HostConfig InspectHostConfig(HostConfig stored)
    {
        var host = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(stored, ApiJson.Context.HostConfig), ApiJson.Context.HostConfig)!;
        if (host.Runtime.Length == 0) host.Runtime = DefaultRuntime;
        host.OomScoreAdj ??= 0;
        var linux = DefaultSpec.Create().Linux!;
        host.MaskedPaths = host.Privileged ? [] : linux.MaskedPaths ?? [];
        host.ReadonlyPaths = host.Privileged ? [] : linux.ReadonlyPaths ?? [];
        return host;
    }

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
        Ports = PortViews.List(r.NetworkSettings.Ports),
        HostConfig = new HostConfigSummary { NetworkMode = r.HostConfig.NetworkMode is "" ? "default" : r.HostConfig.NetworkMode },
        NetworkSettings = new NetworkSettingsSummary { Networks = r.NetworkSettings.Networks },
        Mounts = MountPoints(r),
    };

    /// <summary>"Up 5 minutes", "Exited (137) 3 seconds ago", "Created", as <c>docker ps</c> shows.</summary>
    public static string StatusText(ContainerState s, DateTimeOffset now) => ContainerStatus.Of(s).StatusText(s, now);

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;
}
