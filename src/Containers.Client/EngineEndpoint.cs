namespace Containers.Client;

/// <summary>
/// Where the engine listens: <c>unix:///path</c> or <c>tcp://HOST:PORT</c> (the same syntax as the engine's <c>-H</c>),
/// plus, for TCP, the TLS material. Resolution order: an explicit value, else <c>CONTAINERS_HOST</c>, else the default socket.
/// </summary>
public sealed record EngineEndpoint
{
    public const string DefaultSocketPath = "/run/containers-engine.sock";
    public const string HostVariable = "CONTAINERS_HOST";

    /// <summary>With <c>CONTAINERS_TLS_VERIFY</c> set, TCP endpoints use ca.pem, cert.pem and key.pem from this directory.</summary>
    public const string CertPathVariable = "CONTAINERS_CERT_PATH";
    public const string TlsVerifyVariable = "CONTAINERS_TLS_VERIFY";

    public Uri Uri { get; }
    public string? SocketPath { get; }
    public string? Host { get; }
    public int Port { get; }
    public EngineTlsOptions? Tls { get; init; }

    public bool IsUnix => SocketPath is not null;

    private EngineEndpoint(Uri uri, string? socketPath, string? host, int port)
    {
        Uri = uri;
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    public static EngineEndpoint Default { get; } = Parse("unix://" + DefaultSocketPath);

    public static EngineEndpoint Parse(string text, EngineTlsOptions? tls = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = text["unix://".Length..];
            if (path.Length == 0) path = DefaultSocketPath;
            if (!path.StartsWith('/')) throw new FormatException($"invalid engine address \"{text}\": the socket path must be absolute");
            if (tls is not null) throw new FormatException($"TLS applies to tcp:// addresses, not to \"{text}\"");
            return new EngineEndpoint(new Uri("unix://" + path), path, null, 0);
        }
        if (text.StartsWith("tcp://", StringComparison.Ordinal) || text.StartsWith("https://", StringComparison.Ordinal) || text.StartsWith("http://", StringComparison.Ordinal))
        {
            var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
            var colon = rest.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw new FormatException($"invalid engine address \"{text}\": expected tcp://HOST:PORT");
            var host = rest[..colon];
            return new EngineEndpoint(new Uri($"tcp://{rest}"), null, host, port) { Tls = tls };
        }
        throw new FormatException($"invalid engine address \"{text}\": use unix:///path or tcp://HOST:PORT");
    }

    /// <summary>The explicit endpoint, else <c>CONTAINERS_HOST</c> (with TLS from <c>CONTAINERS_CERT_PATH</c>), else the default socket.</summary>
    public static EngineEndpoint Resolve(string? explicitAddress = null, EngineTlsOptions? tls = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitAddress)) return Parse(explicitAddress, tls);
        var fromEnvironment = Environment.GetEnvironmentVariable(HostVariable);
        if (string.IsNullOrWhiteSpace(fromEnvironment)) return Default;
        var verify = Environment.GetEnvironmentVariable(TlsVerifyVariable) is { Length: > 0 } v && v != "0";
        var certDir = Environment.GetEnvironmentVariable(CertPathVariable);
        var envTls = verify && !string.IsNullOrEmpty(certDir) && !fromEnvironment.StartsWith("unix://", StringComparison.Ordinal)
            ? new EngineTlsOptions(Path.Combine(certDir, "ca.pem"), Path.Combine(certDir, "cert.pem"), Path.Combine(certDir, "key.pem"))
            : null;
        return Parse(fromEnvironment, envTls);
    }

    public override string ToString() => IsUnix ? "unix://" + SocketPath : $"tcp://{Host}:{Port}";
}

/// <summary>Mutual TLS for a TCP endpoint: the CA that signed the engine's certificate, and our client certificate and key (PEM files).</summary>
public sealed record EngineTlsOptions(string CaCertificatePath, string CertificatePath, string KeyPath);
