using System.Net;
using Containers.Engine.Configuration;

namespace Containers.Engine.Hosting;

/// <summary>One parsed <c>-H</c> value: a Unix socket path or a TCP endpoint.</summary>
public sealed record ListenAddress(string Original, string? SocketPath, IPEndPoint? TcpEndPoint)
{
    public bool IsUnix => SocketPath is not null;

    public bool IsLoopback => TcpEndPoint is not null && IPAddress.IsLoopback(TcpEndPoint.Address);

    /// <summary>Parses <c>unix:///path</c> or <c>tcp://ADDR:PORT</c> the way dockerd's -H does.</summary>
    public static ListenAddress Parse(string spec)
    {
        if (spec.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = spec["unix://".Length..];
            if (path.Length == 0) path = EngineSettings.DefaultSocketPath;
            if (!Path.IsPathRooted(path)) throw new EngineStartupException($"invalid host \"{spec}\": the socket path must be absolute");
            return new ListenAddress(spec, path, null);
        }
        if (spec.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var hostPort = spec["tcp://".Length..].TrimEnd('/');
            var colon = hostPort.LastIndexOf(':');
            if (colon < 0 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw new EngineStartupException($"invalid host \"{spec}\": expected tcp://ADDRESS:PORT");
            var host = hostPort[..colon].Trim('[', ']');
            IPAddress address;
            if (host is "" or "0.0.0.0") address = IPAddress.Any;
            else if (host == "localhost") address = IPAddress.Loopback;
            else if (!IPAddress.TryParse(host, out address!))
                throw new EngineStartupException($"invalid host \"{spec}\": \"{host}\" is not an IP address (use an address, or localhost)");
            return new ListenAddress(spec, null, new IPEndPoint(address, port));
        }
        throw new EngineStartupException($"invalid host \"{spec}\": supported forms are unix:///path and tcp://ADDRESS:PORT");
    }
}
