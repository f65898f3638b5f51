using System.IO.Compression;
using Containers.Images.Compression;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Our libzstd P/Invoke stream against the real zstd CLI; gzip and plain detection.</summary>
public sealed class CompressionTests
{
    private static byte[] ZstdCli(byte[] data, params string[] extra)
    {
        using var dir = new TempDir();
        string input = Path.Combine(dir.Path, "in"), output = Path.Combine(dir.Path, "out.zst");
        File.WriteAllBytes(input, data);
        ProcessRunner.Run("zstd", [.. extra, "-q", "-f", input, "-o", output]);
        return File.ReadAllBytes(output);
    }

    private static byte[] Sample(int size)
    {
        var data = new byte[size];
        var rng = new Random(42);
        for (int i = 0; i < size; i++) data[i] = (byte)(rng.Next(4) == 0 ? rng.Next(256) : 'a' + i % 7); // compressible but not trivial
        return data;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5 * 1024 * 1024 + 17)]
    public async Task Zstd_stream_decodes_what_the_zstd_cli_encodes(int size)
    {
        var data = Sample(size);
        await using var z = new ZstdDecompressionStream(new MemoryStream(ZstdCli(data)));
        var ms = new MemoryStream();
        await z.CopyToAsync(ms, 4096); // small reads exercise the buffered-output path
        Assert.Equal(data, ms.ToArray());
    }

    [Fact]
    public void Zstd_stream_decodes_concatenated_frames()
    {
        var a = Sample(100_000);
        var b = Sample(70_000).Reverse().ToArray();
        using var z = new ZstdDecompressionStream(new MemoryStream([.. ZstdCli(a), .. ZstdCli(b)]));
        var ms = new MemoryStream();
        z.CopyTo(ms);
        Assert.Equal([.. a, .. b], ms.ToArray());
    }

    [Fact]
    public void Truncated_or_corrupt_zstd_is_invalid_data()
    {
        var compressed = ZstdCli(Sample(300_000));
        using var truncated = new ZstdDecompressionStream(new MemoryStream(compressed[..(compressed.Length / 2)]));
        var ex = Assert.Throws<InvalidDataException>(() => truncated.CopyTo(Stream.Null));
        Assert.Contains("truncated", ex.Message);

        var corrupt = (byte[])compressed.Clone();
        corrupt[4] ^= 0xff; // frame header descriptor
        using var bad = new ZstdDecompressionStream(new MemoryStream(corrupt));
        Assert.StartsWith("zstd: ", Assert.Throws<InvalidDataException>(() => bad.CopyTo(Stream.Null)).Message);
    }

    [Fact]
    public void Layer_decompression_sniffs_gzip_zstd_and_plain()
    {
        var tar = OciImageBuilder.Tar(w => w.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "f") { DataStream = new MemoryStream([1, 2, 3]) }));
        foreach (var kind in new[] { LayerCompressionKind.Gzip, LayerCompressionKind.Zstd, LayerCompressionKind.None })
        {
            using var s = LayerCompression.Decompress(new MemoryStream(OciImageBuilder.Compress(tar, kind)), OciImageBuilder.MediaType(kind));
            var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.Equal(tar, ms.ToArray());
        }
        Assert.Throws<NotSupportedException>(() => LayerCompression.FromMediaType("application/x-rar"));
        Assert.Equal(Compression.Compression.Zstd, LayerCompression.FromMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"));
        Assert.Equal(Compression.Compression.Gzip, LayerCompression.FromMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
    }
}
