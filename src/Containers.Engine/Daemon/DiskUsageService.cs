using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Filtering;
using Containers.Engine.Images;
using Containers.Engine.Lifecycle;
using Containers.Engine.Volumes;
using Containers.Snapshots;

namespace Containers.Engine.Daemon;

/// <summary>
/// <c>GET /system/df</c>: what images, containers and volumes take on disk, as dockerd reports it. Image sizes come from
/// the image records (each layer's unpacked size, a layer shared by several images counted once in LayersSize and in each
/// image's SharedSize), so no image is walked; a container's SizeRw is its writable snapshot's usage (a file with several
/// links once) and only containers are walked when asked for; volumes are walked when asked for, those with driver
/// options left out as dockerd does (their content is not local).
/// </summary>
public sealed class DiskUsageService(ContainerService containers, ImageService images, VolumeService volumes, Snapshotter snapshots)
{
    public static readonly string[] Kinds = ["container", "image", "volume", "build-cache"];

    /// <summary>The kinds named by the <c>type</c> parameter (all when null); an unknown one is dockerd's 400.</summary>
    public SystemDataUsageResponse Usage(IReadOnlyCollection<string>? kinds)
    {
        if (kinds?.FirstOrDefault(k => !Kinds.Contains(k)) is { } unknown) throw new InvalidParameterException($"unknown object type: {unknown}");
        bool Wanted(string kind) => kinds is null || kinds.Contains(kind);
        var response = new SystemDataUsageResponse();
        var containerList = Wanted("container") || Wanted("image") ? containers.List(all: true, limit: null, FilterArgs.Empty) : [];
        if (Wanted("image"))
        {
            var summaries = images.List(FilterArgs.Empty);
            var layers = summaries.ToDictionary(s => s.Id, s => images.Resolve(s.Id).Layers);
            var users = layers.Values.SelectMany(l => l.Select(x => x.ChainId).Distinct()).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
            response.LayersSize = layers.Values.SelectMany(l => l).DistinctBy(l => l.ChainId).Sum(l => l.UncompressedSize);
            foreach (var summary in summaries)
            {
                summary.SharedSize = layers[summary.Id].DistinctBy(l => l.ChainId).Where(l => users[l.ChainId] > 1).Sum(l => l.UncompressedSize);
                summary.Containers = containerList.Count(c => c.ImageID == summary.Id);
            }
            response.Images = summaries;
        }
        if (Wanted("container"))
        {
            var imageSizes = new Dictionary<string, long>();
            foreach (var container in containerList)
            {
                container.SizeRw = snapshots.Exists(container.Id) ? snapshots.Usage(container.Id).Bytes : 0;
                if (!imageSizes.TryGetValue(container.ImageID, out var imageSize))
                    imageSizes[container.ImageID] = imageSize = ImageSize(container.ImageID);
                container.SizeRootFs = container.SizeRw + imageSize;
            }
            response.Containers = containerList;
        }
        if (Wanted("volume")) response.Volumes = volumes.LocalUsage();
        if (Wanted("build-cache")) response.BuildCache = [];
        return response;
    }

    private long ImageSize(string imageId)
    {
        try { return images.Resolve(imageId).Size; }
        catch (Containers.Images.Store.ImageNotFoundException) { return 0; }
    }
}
