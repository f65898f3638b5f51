using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Containers.Testing.Networking;

/// <summary>
/// A stand-in for the host's DNS servers, on 127.0.0.1 only (UDP and TCP on one ephemeral port), so a test of
/// forwarding never reaches a real resolver: answers A queries for the names it was given, NXDOMAIN (authoritative) for
/// others, and records the names it was asked for and over which transport.
/// </summary>
public sealed class FakeUpstreamDns : IDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly IReadOnlyDictionary<string, IPAddress> _names;
    private readonly CancellationTokenSource _stop = new();

    public FakeUpstreamDns(IReadOnlyDictionary<string, IPAddress> names)
    {
        _names = names;
        (_udp, _tcp) = BindPair();
        Endpoint = (IPEndPoint)_udp.LocalEndPoint!;
        _ = ServeUdpAsync();
        _ = ServeTcpAsync();
    }

    public IPEndPoint Endpoint { get; }
    /// <summary>The names asked, with "udp:" or "tcp:" in front.</summary>
    public ConcurrentQueue<string> Asked { get; } = new();

    private static (Socket, Socket) BindPair()
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(udp.LocalEndPoint!);
                tcp.Listen(8);
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    private byte[] Reply(byte[] query, string transport)
    {
        var name = DnsWire.QuestionName(query).ToLowerInvariant();
        Asked.Enqueue($"{transport}:{name}");
        return _names.TryGetValue(name, out var address) ? DnsWire.Answer(query, 0, true, address) : DnsWire.Answer(query, 3, true);
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        try
        {
            while (true)
            {
                var received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                await _udp.SendToAsync(Reply(buffer[..received.ReceivedBytes], "udp"), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
    }

    private async Task ServeTcpAsync()
    {
        try
        {
            while (true)
            {
                using var connection = await _tcp.AcceptAsync(_stop.Token);
                await using var stream = new NetworkStream(connection);
                var prefix = new byte[2];
                await stream.ReadExactlyAsync(prefix, _stop.Token);
                var query = new byte[(prefix[0] << 8) | prefix[1]];
                await stream.ReadExactlyAsync(query, _stop.Token);
                var reply = Reply(query, "tcp");
                await stream.WriteAsync(new[] { (byte)(reply.Length >> 8), (byte)reply.Length }.Concat(reply).ToArray(), _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Dispose();
    }
}
