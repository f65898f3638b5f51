using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// Sends the queries the embedded resolver cannot answer to the upstream servers, from the engine's own network
/// namespace (the sockets are made on pool threads, which never leave it), as dockerd's resolver does: the servers in
/// order, at most three, each with a timeout; UDP queries over UDP (a truncated answer is passed on, so the client asks
/// again over TCP), TCP queries over TCP. SERVFAIL, REFUSED and a non-authoritative NXDOMAIN move on to the next
/// server (RFC 8020: an authoritative NXDOMAIN is final); the answer is passed on byte for byte. Null when no server
/// answered at all: the caller replies SERVFAIL.
/// </summary>
public sealed class DnsForwarder(TimeSpan timeout)
{
    public const int MaxMessage = 65535;

    public TimeSpan Timeout { get; } = timeout;

    public async Task<byte[]?> ForwardAsync(byte[] query, ushort id, IReadOnlyList<IPEndPoint> upstreams, bool tcp, CancellationToken cancel)
    {
        byte[]? last = null;
        foreach (var server in upstreams.Take(DnsUpstreams.MaxUpstreams))
        {
            byte[]? answer;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(Timeout);
            try
            {
                answer = tcp ? await ExchangeTcpAsync(server, query, id, deadline.Token)
                    : await ExchangeUdpAsync(server, query, id, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { continue; } // timed out
            catch (SocketException) { continue; } // refused, unreachable, reset
            catch (EndOfStreamException) { continue; } // TCP server closed mid-answer
            if (answer is null || DnsResponseHeader.Read(answer) is not { } header) continue;
            switch (header.Rcode)
            {
                case DnsRcode.NoError:
                case DnsRcode.NameError when header.Authoritative:
                    return answer;
                default:
                    last = answer;
                    break;
            }
        }
        return last;
    }

    private static async Task<byte[]?> ExchangeUdpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancel)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Connected: only the server's datagrams arrive, and an ICMP port unreachable fails the receive at once.
        await socket.ConnectAsync(server, cancel);
        await socket.SendAsync(query, SocketFlags.None, cancel);
        var buffer = new byte[MaxMessage];
        while (true)
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
            if (length >= DnsQuery.HeaderLength && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id && (buffer[2] & 0x80) != 0)
                return buffer[..length];
            // Anything else (a late answer to an earlier query, noise) is dropped; the deadline still applies.
        }
    }

    private static async Task<byte[]?> ExchangeTcpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancel)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancel);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await DnsTcp.WriteAsync(stream, query, cancel);
        var answer = await DnsTcp.ReadAsync(stream, cancel);
        return answer is not null && answer.Length >= DnsQuery.HeaderLength && BinaryPrimitives.ReadUInt16BigEndian(answer) == id ? answer : null;
    }
}

/// <summary>DNS over TCP framing (RFC 1035 4.2.2, RFC 7766): each message preceded by its length, two bytes big-endian.</summary>
public static class DnsTcp
{
    /// <summary>The next message; null at a clean end of the stream (between messages).</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancel)
    {
        var prefix = new byte[2];
        var first = await stream.ReadAsync(prefix.AsMemory(0, 1), cancel);
        if (first == 0) return null;
        await stream.ReadExactlyAsync(prefix.AsMemory(1, 1), cancel);
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(message, cancel);
        return message;
    }

    public static async Task WriteAsync(Stream stream, byte[] message, CancellationToken cancel)
    {
        var framed = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancel);
    }
}
