using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Containers.Engine.Hosting;

/// <summary>
/// Lets <c>POST /exec/{id}/start</c> be upgraded although it has a body. The docker CLI sends that request with its JSON
/// body (Content-Length) AND <c>Upgrade: tcp</c>, which dockerd's Go server hijacks after reading the body; Kestrel
/// instead ignores an upgrade on a request with a body (IsUpgradableRequest is false: it would have to drain the body
/// first). This connection middleware looks at the FIRST request of a connection only (the docker CLI and the SDKs open a
/// new connection for every hijacked request) and only when it is that route with an upgrade and a Content-Length body:
/// it takes the body off the connection, keeps it for the endpoint (<see cref="TakeBody"/>) and hands Kestrel the head
/// without its Content-Length, so the request is upgradable and what follows the body (stdin) is the upgraded stream.
/// Every other connection gets Kestrel's own reader back after one look at its first bytes, and every later request of
/// a keep-alive connection is never looked at. The look happens inside Kestrel's first read, so Kestrel's header
/// timeout still covers it.
/// </summary>
public static class UpgradeWithBody
{
    private const string ItemKey = "containers.upgrade-body";
    private const int MaxHead = 16 * 1024;

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Duplex(new FirstRequestReader(transport.Input, connection.Items), transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The body this middleware took off the request (once), or null when it took none.</summary>
    public static byte[]? TakeBody(HttpContext context)
    {
        var items = context.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>()?.Items;
        if (items is null || !items.Remove(ItemKey, out var body)) return null;
        return body as byte[];
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }

    private enum Look { NeedMore, Other, ExecStart }

    /// <summary>
    /// Kestrel's input, with the first request's head rewritten when it is an exec start with a body. Until that is decided
    /// nothing is consumed; afterwards every call goes straight to the transport's reader.
    /// </summary>
    private sealed class FirstRequestReader(PipeReader inner, IDictionary<object, object?> items) : PipeReader
    {
        private bool decided;
        private byte[]? head; // the rewritten head, until Kestrel has consumed it
        private int headOffset;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            if (head is not null) return HeadResult();
            if (decided) return await inner.ReadAsync(cancellationToken);
            while (true)
            {
                var result = await inner.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var (look, headLength, bodyLength, rewritten) = Inspect(buffer);
                if (look == Look.NeedMore && !result.IsCompleted && !result.IsCanceled)
                {
                    inner.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                if (look != Look.ExecStart || buffer.Length < headLength + bodyLength)
                {
                    if (look == Look.ExecStart && !result.IsCompleted && !result.IsCanceled)
                    {
                        inner.AdvanceTo(buffer.Start, buffer.End); // the body is still coming
                        continue;
                    }
                    decided = true;
                    return result;
                }
                items[ItemKey] = buffer.Slice(headLength, bodyLength).ToArray();
                inner.AdvanceTo(buffer.GetPosition(headLength + bodyLength));
                decided = true;
                head = rewritten;
                return HeadResult();
            }
        }

        private ReadResult HeadResult() => new(new ReadOnlySequence<byte>(head!, headOffset, head!.Length - headOffset), false, false);

        public override bool TryRead(out ReadResult result)
        {
            if (head is not null) { result = HeadResult(); return true; }
            if (decided) return inner.TryRead(out result);
            result = default;
            return false;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            if (head is null)
            {
                inner.AdvanceTo(consumed, examined);
                return;
            }
            // Kestrel parses a complete head in one go, so it consumes all of it.
            headOffset = ReferenceEquals(consumed.GetObject(), head) ? consumed.GetInteger() : head.Length;
            if (headOffset >= head.Length) head = null;
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    /// <summary>
    /// Whether the bytes start with <c>POST [/vX.Y]/exec/ID/start</c> carrying an upgrade and a Content-Length body; if so
    /// the head's length, the body's, and the head without its Content-Length line.
    /// </summary>
    private static (Look, long HeadLength, long BodyLength, byte[]? Rewritten) Inspect(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
            return (buffer.Length < MaxHead ? Look.NeedMore : Look.Other, 0, 0, null);
        if (!IsExecStart(Encoding.ASCII.GetString(line))) return (Look.Other, 0, 0, null);
        reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> all, "\r\n\r\n"u8))
            return (buffer.Length < MaxHead ? Look.NeedMore : Look.Other, 0, 0, null);
        var lines = Encoding.ASCII.GetString(all).Split("\r\n");
        string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();
        bool upgrade = Header("Upgrade") is { Length: > 0 } && Header("Connection")?.Contains("upgrade", StringComparison.OrdinalIgnoreCase) == true;
        if (!upgrade || Header("Transfer-Encoding") is not null || !long.TryParse(Header("Content-Length"), out var length) || length is <= 0 or > MaxHead)
            return (Look.Other, 0, 0, null);
        var kept = lines.Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var rewritten = Encoding.ASCII.GetBytes(string.Join("\r\n", kept) + "\r\n\r\n");
        return (Look.ExecStart, all.Length + 4, length, rewritten);
    }

    private static bool IsExecStart(string requestLine)
    {
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0] != "POST") return false;
        var path = parts[1].Split('?', 2)[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (path.Length > 0 && path[0].StartsWith('v') && path[0].Skip(1).All(c => char.IsAsciiDigit(c) || c == '.')) path = path[1..];
        return path is ["exec", _, "start"];
    }
}
