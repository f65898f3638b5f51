using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// One container's resolver: serves its UDP socket and its TCP listener (and the connections accepted) until disposed.
/// Each query is answered on its own task, so a query waiting for an upstream server never holds up the next one; at
/// most <see cref="MaxInFlight"/> at once (dockerd's maxConcurrent), further ones are dropped and the client retries.
/// </summary>
internal sealed class ContainerResolver(string containerId, BoundSockets sockets, ResolverNames names, DnsForwarder forwarder, ILogger log)
    : IDisposable
{
    public const int MaxInFlight = 1024, MaxConnections = 64;
    /// <summary>An idle TCP connection is closed after this long (RFC 7766 6.2.3 suggests seconds).</summary>
    public static readonly TimeSpan TcpIdleTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private int _inFlight;

    public void Run()
    {
        _ = ServeUdpAsync();
        _ = AcceptTcpAsync();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[DnsForwarder.MaxMessage];
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try { received = await sockets.Udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException e) { log.LogDebug("dns {Container}: udp receive: {Error}", containerId, e.Message); continue; }
            if (!Enter()) continue;
            var query = buffer[..received.ReceivedBytes];
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                try
                {
                    if (await AnswerAsync(query, tcp: false) is { } reply)
                        await sockets.Udp.SendToAsync(reply, SocketFlags.None, client, _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    log.LogDebug("dns {Container}: udp reply: {Error}", containerId, e.Message);
                }
                finally { Leave(); }
            });
        }
    }

    private async Task AcceptTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try { connection = await sockets.Tcp.AcceptAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException e) { log.LogDebug("dns {Container}: tcp accept: {Error}", containerId, e.Message); continue; }
            if (_connections.Count >= MaxConnections) { connection.Dispose(); continue; }
            _connections[connection] = 0;
            if (_stop.IsCancellationRequested) connection.Dispose(); // raced with Dispose, which may have missed it
            _ = ServeConnectionAsync(connection);
        }
    }

    private async Task ServeConnectionAsync(Socket connection)
    {
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(TcpIdleTimeout);
                if (await DnsTcp.ReadAsync(stream, idle.Token) is not { } query) return;
                if (!Enter()) return;
                byte[]? reply;
                try { reply = await AnswerAsync(query, tcp: true); }
                finally { Leave(); }
                if (reply is null) return;
                await DnsTcp.WriteAsync(stream, reply, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            log.LogDebug("dns {Container}: tcp connection: {Error}", containerId, e.Message);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private bool Enter()
    {
        if (Interlocked.Increment(ref _inFlight) <= MaxInFlight) return true;
        Leave();
        return false;
    }

    private void Leave() => Interlocked.Decrement(ref _inFlight);

    /// <summary>The reply to a query: answered here when the name is the container's networks', else forwarded.</summary>
    private async Task<byte[]?> AnswerAsync(byte[] message, bool tcp)
    {
        var query = DnsQuery.Read(message, out var id, out var error);
        if (query is null) return error == DnsRcode.NoError ? null : DnsResponse.HeaderOnly(id, error);
        var maxLength = tcp ? DnsForwarder.MaxMessage : query.UdpPayloadSize;
        DnsResponse? local;
        try { local = AnswerLocally(query); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning("dns {Container}: lookup of {Name} failed: {Error}", containerId, query.Question.Name, e.Message);
            local = new DnsResponse(query, DnsRcode.ServerFailure);
        }
        if (local is not null) return local.ToBytes(maxLength, udp: !tcp);
        var forwarded = await forwarder.ForwardAsync(message, id, names.Upstreams, tcp, _stop.Token);
        if (forwarded is null)
            log.LogDebug("dns {Container}: no upstream server answered {Name}", containerId, query.Question.Name);
        return forwarded ?? new DnsResponse(query, DnsRcode.ServerFailure).ToBytes(maxLength, udp: !tcp);
    }

    /// <summary>
    /// dockerd's rules: A and AAAA of a known name give its addresses of that family (none: NOERROR with no answer,
    /// never forwarded, so a v4-only container name does not leak to the upstream servers), several in random order;
    /// MX of a known name NOERROR empty (RFC 5321 implicit MX); PTR of a known address its name. Null: forward.
    /// </summary>
    private DnsResponse? AnswerLocally(DnsQuery query)
    {
        var question = query.Question;
        if (question.Class != DnsType.ClassIn) return null;
        switch (question.Type)
        {
            case DnsType.A or DnsType.Aaaa or DnsType.Mx:
                var addresses = names.Lookup(DnsName.Normalize(question.Name));
                if (addresses.Count == 0) return null;
                var response = new DnsResponse(query);
                if (question.Type == DnsType.Mx) return response;
                var family = question.Type == DnsType.A ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                foreach (var address in addresses.Where(a => a.AddressFamily == family).OrderBy(_ => Random.Shared.Next()))
                    response.AddAddress(address);
                return response;
            case DnsType.Ptr:
                return DnsName.ParseReverse(question.Name) is { } ip && names.Reverse(ip) is { Length: > 0 } name
                    ? new DnsResponse(query).AddPointer(name)
                    : null;
            default:
                return null;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        sockets.Dispose();
        foreach (var connection in _connections.Keys) connection.Dispose();
    }
}
