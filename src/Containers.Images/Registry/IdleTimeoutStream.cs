using Containers.Images.IO;
namespace Containers.Images.Registry;

/// <summary>
/// A response body whose every read must make progress within a time limit, so a registry that stalls
/// mid-blob produces a clear error instead of hanging a pull forever. Disposes the response with the stream.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, IDisposable? owner, TimeSpan idleTimeout) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(idleTimeout);
        try
        {
            return await inner.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"no data received from the registry for {idleTimeout.TotalSeconds:0.#} s");
        }
    }

    public override int Read(Span<byte> buffer)
    {
        // Synchronous callers get the same time limit: read into a rented array through the async path.
        var array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadAsync(array.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            array.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) { inner.Dispose(); owner?.Dispose(); }
        base.Dispose(disposing);
    }
}
