using Containers.Images.Pull;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// The trivial unpacker: reads each layer to the end (which verifies its diff ID) and remembers the
/// chain ID as a marker file under <paramref name="root"/>. Stands in for the snapshotter in tests and benchmarks.
/// </summary>
public sealed class VerifyingLayerUnpacker(string root) : ILayerUnpacker
{
    private int _unpacked;

    /// <summary>Layers this instance has unpacked.</summary>
    public int UnpackedCount => _unpacked;

    private string Marker(string chainId) => Path.Combine(root, chainId.Replace(':', '-'));

    public bool HasLayer(string chainId) => File.Exists(Marker(chainId));

    public async Task<long> UnpackAsync(string chainId, string? parentChainId, Stream uncompressedTar, string expectedDiffId, CancellationToken cancellationToken)
    {
        if (parentChainId is not null && !HasLayer(parentChainId))
            throw new InvalidOperationException($"parent layer {parentChainId} of {chainId} is not unpacked");
        var buffer = new byte[1 << 17];
        long total = 0;
        int n;
        while ((n = await uncompressedTar.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) total += n;
        Directory.CreateDirectory(root);
        AtomicFile.WriteAllBytes(Marker(chainId), System.Text.Encoding.UTF8.GetBytes(expectedDiffId + "\n" + total + "\n"));
        Interlocked.Increment(ref _unpacked);
        return total;
    }
}
