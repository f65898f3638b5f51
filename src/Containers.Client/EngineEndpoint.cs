using Containers.Shared;

namespace Containers.Client;

/// <summary>
/// Where the engine listens: <c>unix:///path</c> or <c>tcp://HOST:PORT</c> (the same syntax as the engine's <c>-H</c>),
/// plus, for TCP, the TLS material. Resolution order: an explicit value, else <c>CONTAINERS_HOST</c>, else the default socket.
/// </summary>
public sealed record EngineEndpoint
{
    public const string DefaultSocketPath = EngineAddress.DefaultSocketPath;
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
        // The engine's -H rules (Shared/EngineAddress); a FormatException names what is wrong.
        var address = EngineAddress.Parse(text, tls is not null, "invalid engine address");
        if (address.IsUnix)
        {
            if (tls is not null) throw new FormatException($"TLS applies to tcp:// addresses, not to \"{text}\"");
            return new EngineEndpoint(new Uri("unix://" + address.SocketPath), address.SocketPath, null, 0);
        }
        // An empty host means this machine, as the docker CLI reads tcp://:PORT.
        var host = address.Host is "" ? EngineAddress.DefaultTcpHost : address.UriHost!;
        return new EngineEndpoint(new Uri($"tcp://{host}:{address.Port}"), null, host, address.Port) { Tls = tls };
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
