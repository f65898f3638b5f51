using System.IO.Compression;
using Containers.Images.IO;

namespace Containers.Images.Compression;

public enum Compression { None, Gzip, Zstd }

/// <summary>Turns a layer blob into its uncompressed tar stream.</summary>
public static class LayerCompression
{
    /// <summary>Compression named by a layer media type (OCI and Docker spellings).</summary>
    public static Compression FromMediaType(string mediaType) => mediaType switch
    {
        _ when mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".tar.gzip", StringComparison.Ordinal) => Compression.Gzip,
        _ when mediaType.EndsWith("+zstd", StringComparison.Ordinal) => Compression.Zstd,
        _ when mediaType.EndsWith(".tar", StringComparison.Ordinal) => Compression.None,
        _ => throw new NotSupportedException($"unsupported layer media type \"{mediaType}\""),
    };

    /// <summary>
    /// Wraps <paramref name="blob"/> in the right decompressor. The compression is detected from the
    /// first bytes (as Docker does), because registries in the wild mislabel layers; the media type is
    /// only a fallback when the stream is too short to sniff.
    /// </summary>
    public static Stream Decompress(Stream blob, string mediaType)
    {
        var head = new byte[4];
        int n = 0;
        while (n < head.Length)
        {
            int r = blob.Read(head, n, head.Length - n);
            if (r == 0) break;
            n += r;
        }
        var whole = new PrefixedStream(head.AsMemory(0, n), blob);
        Compression kind = n == 4 ? Sniff(head) : FromMediaType(mediaType);
        return kind switch
        {
            Compression.Gzip => new GZipStream(whole, CompressionMode.Decompress),
            Compression.Zstd => new ZstdDecompressionStream(whole),
            _ => whole,
        };
    }

    public static Compression Sniff(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b ? Compression.Gzip
        : head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd ? Compression.Zstd
        : Compression.None;

    /// <summary>Replays sniffed bytes before the rest of the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;


        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => _prefix.IsEmpty ? rest.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Read(buffer.Span));


        protected override void Dispose(bool disposing) { if (disposing) rest.Dispose(); base.Dispose(disposing); }
    }
}
