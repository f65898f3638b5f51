using Containers.Images.Content;
using Containers.Images.IO;

namespace Containers.Images.Pull;

/// <summary>Hashes an uncompressed layer while it is read; at end of stream, a wrong diff ID throws.</summary>
public sealed class DiffIdVerifyingStream(Stream inner, Digest expectedDiffId) : ReadOnlyStream
{
    private readonly System.Security.Cryptography.IncrementalHash _hash = expectedDiffId.CreateHasher();
    private bool _verified;

    public long BytesRead { get; private set; }


    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        return Account(buffer[..n], n, buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], n, buffer.Length);
    }


    private int Account(ReadOnlySpan<byte> data, int n, int requested)
    {
        if (n > 0) { _hash.AppendData(data); BytesRead += n; }
        else if (requested > 0) Verify();
        return n;
    }

    /// <summary>Checks the digest of everything read so far (the stream must be at its end).</summary>
    public void Verify()
    {
        if (_verified) return;
        var actual = Digest.FromHash(expectedDiffId.Algorithm, _hash.GetHashAndReset());
        _verified = true;
        if (actual != expectedDiffId)
            throw new DigestMismatchException($"layer diff ID mismatch: expected {expectedDiffId}, uncompressed content hashes to {actual}");
    }

    /// <summary>Reads whatever the consumer left (e.g. tar padding) and verifies.</summary>
    public async Task DrainAndVerifyAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0) { }
        Verify();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { inner.Dispose(); _hash.Dispose(); }
        base.Dispose(disposing);
    }
}
