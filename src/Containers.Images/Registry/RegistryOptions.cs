namespace Containers.Images.Registry;

/// <summary>Daemon-level registry settings (daemon.json: registry-mirrors, insecure-registries, ...).</summary>
public sealed record RegistryOptions
{
    /// <summary>Mirrors tried, in order, before docker.io itself (e.g. "https://mirror.example:5000").</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = [];

    /// <summary>Hosts ("host" or "host:port") that may be reached over plain HTTP. Loopback always may.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>
    /// Docker's certs.d layout (e.g. /etc/docker/certs.d): extra CA certificates for a registry in
    /// &lt;dir&gt;/&lt;host[:port]&gt;/*.crt. Null: system trust only.
    /// </summary>
    public string? CertificatesDirectory { get; init; }

    /// <summary>Time allowed to connect to a registry.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed for a response's headers, and between two reads of a body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per endpoint for connection errors, 5xx and 429.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First retry delay; doubles each attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public string UserAgent { get; init; } = "containers/0.1";

    /// <summary>Optional diagnostics sink. Only methods and URLs are written, never headers or credentials.</summary>
    public Action<string>? Log { get; init; }
}
