using Containers.Images.Pull;
using Containers.Snapshots;

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
        var counting = new CountingStream(uncompressedTar);
        await snapshotter.CommitLayerAsync(chainId, parentChainId, counting, cancellationToken);
        return counting.BytesRead;
    }

    /// <summary>Counts what the applier reads: the layer's uncompressed size.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
