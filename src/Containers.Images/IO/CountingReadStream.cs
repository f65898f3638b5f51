namespace Containers.Images.IO;

/// <summary>
/// Counts the bytes read through it and optionally reports the running total: after every
/// <paramref name="reportEveryBytes"/> bytes and once at the end of the stream.
/// </summary>
public sealed class CountingReadStream(Stream inner, Action<long>? report = null, long reportEveryBytes = 0) : ReadOnlyStream
{
    private long _reported = -1;

    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int n)
    {
        BytesRead += n;
        if (report is not null && (BytesRead - _reported >= reportEveryBytes || (n == 0 && BytesRead != _reported)))
        {
            _reported = BytesRead;
            report(BytesRead);
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
