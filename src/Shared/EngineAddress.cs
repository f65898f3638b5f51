namespace Containers.Shared;

/// <summary>
/// One <c>-H</c> / <c>CONTAINERS_HOST</c> value, parsed by the same rules on both ends (compiled into the engine, which
/// listens on it, and the client, which connects to it), after dockerd's and the docker CLI's <c>opts.ParseHost</c>:
/// <list type="bullet">
/// <item><c>unix:///abs/path</c>; <c>unix://</c> alone is the default socket; the path must be absolute.</item>
/// <item><c>tcp://HOST:PORT</c> (IPv6 in brackets, a trailing <c>/</c> ignored); <c>tcp://</c> alone is
/// localhost on the default port, 2375, or 2376 with TLS. A host without a port is refused (both ends always did).
/// An empty host (<c>tcp://:2376</c>) is kept empty: every interface for a listener, this machine for a client.</item>
/// </list>
/// </summary>
internal sealed record EngineAddress(string Original, string? SocketPath, string? Host, int Port)
{
    public const string DefaultSocketPath = "/run/containers-engine.sock";
    public const string DefaultHost = "unix://" + DefaultSocketPath;
    public const string DefaultTcpHost = "localhost";
    public const int DefaultPort = 2375, DefaultTlsPort = 2376;

    public bool IsUnix => SocketPath is not null;

    /// <summary>The host as it goes into a URI (IPv6 literals in brackets).</summary>
    public string? UriHost => Host is not null && Host.Contains(':') ? "[" + Host + "]" : Host;

    public override string ToString() => IsUnix ? "unix://" + SocketPath : $"tcp://{UriHost}:{Port}";

    /// <summary>
    /// Parses a host value; a <see cref="FormatException"/> says why one is refused, starting with
    /// <paramref name="invalid"/> (each end keeps its own wording: "invalid host" for -H, "invalid engine address").
    /// </summary>
    public static EngineAddress Parse(string text, bool tls = false, string invalid = "invalid host")
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = text.Trim();
        if (spec.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = spec["unix://".Length..];
            if (path.Length == 0) path = DefaultSocketPath;
            if (!path.StartsWith('/') || path.Contains("://", StringComparison.Ordinal))
                throw Invalid(invalid, text, "the socket path must be absolute");
            return new EngineAddress(text, path, null, 0);
        }
        if (spec.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var hostPort = spec["tcp://".Length..].TrimEnd('/');
            if (hostPort.Length == 0) return new EngineAddress(text, null, DefaultTcpHost, tls ? DefaultTlsPort : DefaultPort);
            var colon = hostPort.LastIndexOf(':');
            // A colon inside brackets belongs to an IPv6 literal, not to a port.
            if (colon < 0 || hostPort.IndexOf(']', colon) >= 0
                || !int.TryParse(hostPort[(colon + 1)..], System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
                throw Invalid(invalid, text, "expected tcp://ADDRESS:PORT");
            var host = hostPort[..colon];
            // IPv6 literals need their brackets, as in a URI.
            if (host.StartsWith('[') != host.EndsWith(']') || (!host.StartsWith('[') && host.Contains(':')) || host.Contains('/') || host.Contains("://", StringComparison.Ordinal))
                throw Invalid(invalid, text, "expected tcp://ADDRESS:PORT");
            return new EngineAddress(text, null, host.Trim('[', ']'), port);
        }
        throw Invalid(invalid, text, "supported forms are unix:///path and tcp://ADDRESS:PORT");
    }

    private static FormatException Invalid(string invalid, string text, string reason) => new($"{invalid} \"{text}\": {reason}");
}
