using Containers.Images.Pull;
using Containers.Snapshots;
using Containers.Images.IO;

namespace Containers.Engine.Images;

/// <summary>
/// Pulled layers go into the snapshotter: each layer's uncompressed stream (which checks itself against the config's
/// diff ID as it ends) is committed as the snapshot of its chain ID. A layer whose stream fails is never committed.
/// </summary>
public sealed class SnapshotLayerUnpacker(Snapshotter snapshotter) : ILayerUnpacker
{
    public bool HasLayer(string chainId) => snapshotter.Exists(chainId);

    public async Task<long> UnpackAsync(string chainId, string? parentChainId, Stream uncompressedTar, string expectedDiffId, CancellationToken cancellationToken)
    {
        var counting = new CountingReadStream(uncompressedTar);
        await snapshotter.CommitLayerAsync(chainId, parentChainId, counting, cancellationToken);
        return counting.BytesRead;
    }
}
