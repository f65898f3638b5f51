namespace Containers.Images.Pull;

/// <summary>
/// Where pulled layers go (the snapshotter). Layers arrive in order, each with the chain ID of its
/// parent, as an uncompressed tar stream. The stream throws <see cref="Content.DigestMismatchException"/>
/// when its end is reached and the content does not hash to <c>expectedDiffId</c>, so an implementation
/// must read it to the end before committing the layer.
/// </summary>
public interface ILayerUnpacker
{
    bool HasLayer(string chainId);

    /// <summary>Unpacks a layer; returns its uncompressed size in bytes.</summary>
    Task<long> UnpackAsync(string chainId, string? parentChainId, Stream uncompressedTar, string expectedDiffId, CancellationToken cancellationToken);
}
