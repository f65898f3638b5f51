using System.Net;
using Containers.Engine.Configuration;

namespace Containers.Engine.Hosting;

/// <summary>One parsed <c>-H</c> value: a Unix socket path or a TCP endpoint to listen on.</summary>
public sealed record ListenAddress(string Original, string? SocketPath, IPEndPoint? TcpEndPoint)
{
    public bool IsUnix => SocketPath is not null;

    public bool IsLoopback => TcpEndPoint is not null && IPAddress.IsLoopback(TcpEndPoint.Address);

    /// <summary>
    /// Parses <c>unix:///path</c> or <c>tcp://ADDRESS:PORT</c> by the rules the client shares (<see cref="EngineAddress"/>);
    /// a listener also needs an IP address (or localhost), and an empty host means every interface.
    /// </summary>
    public static ListenAddress Parse(string spec) => Parse(spec, tls: false);

    public static ListenAddress Parse(string spec, bool tls)
    {
        EngineAddress address;
        try { address = EngineAddress.Parse(spec, tls); }
        catch (FormatException e) { throw new EngineStartupException(e.Message); }
        if (address.IsUnix) return new ListenAddress(spec, address.SocketPath, null);
        var host = address.Host!;
        IPAddress ip;
        if (host is "" or "0.0.0.0") ip = IPAddress.Any;
        else if (host == "localhost") ip = IPAddress.Loopback;
        else if (!IPAddress.TryParse(host, out ip!))
            throw new EngineStartupException($"invalid host \"{spec}\": \"{host}\" is not an IP address (use an address, or localhost)");
        return new ListenAddress(spec, null, new IPEndPoint(ip, address.Port));
    }
}
