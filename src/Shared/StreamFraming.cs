using System.Buffers.Binary;

namespace Containers.Shared;

/// <summary>Which stream a frame of Docker's multiplexed stdio carries (the first byte of its 8-byte header).</summary>
internal enum StdStream : byte { Stdin = 0, Stdout = 1, Stderr = 2, System = 3 }

/// <summary>
/// Docker's multiplexed stream format (logs and attach without a TTY): each frame is a header of
/// [stream, 0, 0, 0, size as big-endian uint32] followed by size bytes of payload. Compiled into the engine (writing)
/// and the client (reading).
/// </summary>
internal static class StreamFraming
{
    public const int HeaderSize = 8;

    /// <summary>Media type of a multiplexed stream; a TTY container's stream is raw (<c>application/vnd.docker.raw-stream</c>).</summary>
    public const string MultiplexedMediaType = "application/vnd.docker.multiplexed-stream";
    public const string RawMediaType = "application/vnd.docker.raw-stream";

    public static void WriteHeader(Span<byte> header, StdStream stream, int size)
    {
        header[0] = (byte)stream;
        header[1] = header[2] = header[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)size);
    }

    public static async ValueTask WriteFrameAsync(Stream output, StdStream stream, ReadOnlyMemory<byte> payload, CancellationToken cancel = default)
    {
        var header = new byte[HeaderSize];
        WriteHeader(header, stream, payload.Length);
        await output.WriteAsync(header, cancel);
        await output.WriteAsync(payload, cancel);
    }

    /// <summary>Reads one frame; null at a clean end of stream. Throws <see cref="EndOfStreamException"/> on a cut frame.</summary>
    public static async ValueTask<(StdStream Stream, byte[] Payload)?> ReadFrameAsync(Stream input, CancellationToken cancel = default)
    {
        var header = new byte[HeaderSize];
        int got = await input.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancel);
        if (got == 0) return null;
        if (got < HeaderSize) throw new EndOfStreamException("the stream ended inside a frame header");
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4))];
        await input.ReadExactlyAsync(payload, cancel);
        return ((StdStream)header[0], payload);
    }
}
