using System.Globalization;
using System.Text.Json;
using Containers.Images.Store;
using Wire = Containers.Api;

namespace Containers.Engine.Images;

/// <summary>The Docker API's shapes of the image store's records.</summary>
public static class ImageViews
{
    public static Wire.ImageSummary Summary(ImageSummary s) => new()
    {
        Id = s.Image.Id,
        RepoTags = [.. s.RepoTags],
        RepoDigests = [.. s.RepoDigests],
        Created = s.Image.Created.ToUnixTimeSeconds(),
        Size = s.Image.Size,
        Labels = new Dictionary<string, string>(s.Image.Labels),
    };

    public static Wire.ImageInspect Inspect(ImageSummary s, string storageDriver)
    {
        var image = s.Image;
        var config = image.Config.Config;
        return new Wire.ImageInspect
        {
            Id = image.Id,
            RepoTags = [.. s.RepoTags],
            RepoDigests = [.. s.RepoDigests],
            Created = image.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            Author = image.Config.Author ?? "",
            Architecture = image.Config.Architecture ?? "",
            Variant = image.Config.Variant,
            Os = image.Config.Os ?? "",
            Size = image.Size,
            GraphDriver = new Wire.GraphDriverData { Name = storageDriver },
            RootFS = new Wire.RootFs { Type = "layers", Layers = image.Layers.Select(l => l.DiffId).ToList() },
            Metadata = new Wire.ImageMetadata { LastTagTime = image.PulledAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) },
            Config = new Wire.ImageConfig
            {
                User = config?.User ?? "",
                Env = config?.Env,
                Cmd = config?.Cmd,
                Entrypoint = config?.Entrypoint,
                WorkingDir = config?.WorkingDir ?? "",
                Labels = config?.Labels,
                StopSignal = config?.StopSignal,
                OnBuild = config?.OnBuild,
                Shell = config?.Shell,
                ArgsEscaped = config?.ArgsEscaped == true ? true : null,
                ExposedPorts = Set(config?.ExposedPorts),
                Volumes = Set(config?.Volumes),
                Healthcheck = config?.Healthcheck is { } h
                    ? new Wire.HealthConfig { Test = h.Test, Interval = h.Interval, Timeout = h.Timeout, Retries = h.Retries }
                    : null,
            },
        };
    }

    public static Wire.ImageHistoryItem History(HistoryItem h) => new()
    {
        Id = h.Id,
        Created = h.Created?.ToUnixTimeSeconds() ?? 0,
        CreatedBy = h.CreatedBy,
        Size = h.Size,
        Comment = h.Comment,
        Tags = [.. h.Tags],
    };

    public static Wire.ImageDeleteItem Delete(DeleteResponseItem d) => new() { Untagged = d.Untagged, Deleted = d.Deleted };

    private static Dictionary<string, Wire.EmptyObject>? Set(Dictionary<string, JsonElement>? map) =>
        map?.ToDictionary(p => p.Key, _ => new Wire.EmptyObject());
}
