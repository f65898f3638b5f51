using System.Runtime.InteropServices;
using Containers.Images.IO;

namespace Containers.Images.Compression;

/// <summary>
/// Read-only streaming zstd decompressor over Debian's libzstd.so.1 (no managed zstd package is available).
/// Handles concatenated frames, as the zstd format allows.
/// </summary>
public sealed partial class ZstdDecompressionStream : ReadOnlyStream
{
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct InBuffer { public byte* Src; public nuint Size; public nuint Pos; }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct OutBuffer { public byte* Dst; public nuint Size; public nuint Pos; }

    private const string Lib = "libzstd.so.1";
    [LibraryImport(Lib)] private static partial nint ZSTD_createDStream();
    [LibraryImport(Lib)] private static partial nuint ZSTD_freeDStream(nint zds);
    [LibraryImport(Lib)] private static partial nuint ZSTD_initDStream(nint zds);
    [LibraryImport(Lib)] private static unsafe partial nuint ZSTD_decompressStream(nint zds, OutBuffer* output, InBuffer* input);
    [LibraryImport(Lib)] private static partial nuint ZSTD_DStreamInSize();
    [LibraryImport(Lib)] private static partial uint ZSTD_isError(nuint code);
    [LibraryImport(Lib)] private static partial nint ZSTD_getErrorName(nuint code);

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _in;
    private int _inPos, _inLen;
    private nint _zds;
    private bool _innerEof;
    private bool _frameOpen; // true while inside a frame (last ZSTD_decompressStream hint was non-zero)

    public ZstdDecompressionStream(Stream inner, bool leaveOpen = false)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _zds = ZSTD_createDStream();
        if (_zds == 0) throw new OutOfMemoryException("ZSTD_createDStream failed");
        Check(ZSTD_initDStream(_zds));
        _in = new byte[(int)ZSTD_DStreamInSize()];
    }

    private static nuint Check(nuint code)
    {
        if (ZSTD_isError(code) != 0)
            throw new InvalidDataException("zstd: " + Marshal.PtrToStringUTF8(ZSTD_getErrorName(code)));
        return code;
    }


    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_zds == 0, this);
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_inPos == _inLen && !_innerEof)
            {
                _inLen = _inner.Read(_in, 0, _in.Length);
                _inPos = 0;
                _innerEof = _inLen == 0;
            }
            if (Step(buffer) is int n) return n;
        }
    }

    /// <summary>
    /// Decompresses from the buffered input. Returns the bytes produced, 0 at the clean end of the stream,
    /// or null when more input is needed.
    /// </summary>
    private int? Step(Span<byte> buffer)
    {
        if (_innerEof && _inPos == _inLen)
        {
            // Input exhausted. Between frames we are done; inside one, the decoder may still hold
            // output (a previous call filled the caller's buffer) — or the stream was cut short.
            if (!_frameOpen) return 0;
            int flushed = Decompress(buffer);
            if (flushed > 0) return flushed;
            throw new InvalidDataException("zstd: truncated stream (input ended inside a frame)");
        }
        int n = Decompress(buffer);
        return n > 0 ? n : null;
    }

    private unsafe int Decompress(Span<byte> buffer)
    {
        fixed (byte* src = _in)
        fixed (byte* dst = buffer)
        {
            var input = new InBuffer { Src = src, Size = (nuint)_inLen, Pos = (nuint)_inPos };
            var output = new OutBuffer { Dst = dst, Size = (nuint)buffer.Length, Pos = 0 };
            nuint hint = Check(ZSTD_decompressStream(_zds, &output, &input));
            _inPos = (int)input.Pos;
            _frameOpen = hint != 0;
            return (int)output.Pos;
        }
    }


    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_zds == 0, this);
        if (buffer.IsEmpty) return 0;
        // Input is refilled asynchronously; decompression itself is CPU work on the calling thread.
        while (true)
        {
            if (_inPos == _inLen && !_innerEof)
            {
                _inLen = await _inner.ReadAsync(_in, cancellationToken).ConfigureAwait(false);
                _inPos = 0;
                _innerEof = _inLen == 0;
            }
            if (Step(buffer.Span) is int n) return n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_zds != 0) { ZSTD_freeDStream(_zds); _zds = 0; }
        if (disposing && !_leaveOpen) _inner.Dispose();
        base.Dispose(disposing);
    }
}
