using System.Security.Cryptography.X509Certificates;
using Containers.Engine.Configuration;
using Containers.Shared;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Containers.Engine.Hosting;

/// <summary>
/// Decides and configures where the API listens. TCP off loopback requires mutual TLS (client certificates that
/// chain to --tlscacert); plain TCP on loopback is allowed with a warning; Unix sockets are 0660, group
/// <c>containers</c> when it exists, else root only.
/// </summary>
public static class Listeners
{
    public const string AccessGroup = "containers";

    public static List<ListenAddress> Plan(EngineSettings settings, List<string> warnings)
    {
        var addresses = settings.EffectiveHosts.Select(h => ListenAddress.Parse(h, settings.Tls || settings.TlsVerify)).ToList();
        var mutualTls = settings.TlsVerify && settings.TlsCaCert is not null && settings.TlsCert is not null && settings.TlsKey is not null;
        if (settings.Tls && (settings.TlsCert is null || settings.TlsKey is null))
            throw new EngineStartupException("--tls needs --tlscert and --tlskey");
        if (settings.TlsVerify && settings.TlsCaCert is null)
            throw new EngineStartupException("--tlsverify needs --tlscacert (the CA that client certificates must chain to)");
        foreach (var tcp in addresses.Where(a => !a.IsUnix))
        {
            if (!tcp.IsLoopback && !mutualTls)
                throw new EngineStartupException(
                    $"refusing to listen on {tcp.Original}: a non-loopback TCP address needs mutual TLS (--tlsverify --tlscacert --tlscert --tlskey)");
            if (!settings.Tls)
                warnings.Add($"WARNING: API is accessible on http://{tcp.TcpEndPoint} without encryption.");
        }
        return addresses;
    }

    public static void Configure(KestrelServerOptions kestrel, EngineSettings settings, IEnumerable<ListenAddress> addresses)
    {
        foreach (var address in addresses)
        {
            if (address.IsUnix)
            {
                kestrel.ListenUnixSocket(address.SocketPath!, o =>
                {
                    o.Protocols = HttpProtocols.Http1;
                    o.Use(HalfClose.Middleware);
                    o.Use(UpgradeWithBody.Middleware);
                });
                continue;
            }
            kestrel.Listen(address.TcpEndPoint!, o =>
            {
                // HTTP/1.1 only: attach and exec hijack the connection with an Upgrade, which HTTP/2 cannot do.
                o.Protocols = HttpProtocols.Http1;
                o.Use(HalfClose.Middleware);
                if (settings.Tls) o.UseHttps(Https(settings));
                o.Use(UpgradeWithBody.Middleware); // after TLS: it reads the decrypted request
            });
        }
    }

    private static HttpsConnectionAdapterOptions Https(EngineSettings settings)
    {
        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = LoadCertificate(settings.TlsCert!, settings.TlsKey!),
        };
        if (settings.TlsVerify)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(settings.TlsCaCert!);
            options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            options.ClientCertificateValidation = (certificate, _, _) => MutualTls.ChainsTo(certificate, ca);
        }
        return options;
    }

    public static X509Certificate2 LoadCertificate(string certPath, string keyPath)
    {
        try
        {
            return MutualTls.LoadPem(certPath, keyPath);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new EngineStartupException($"cannot load TLS certificate {certPath} with key {keyPath}: {e.Message}");
        }
    }

    /// <summary>Restricts the socket: 0660 and the containers group when it exists, else root only.</summary>
    public static void SecureSocket(string path, ILogger logger)
    {
        var gid = Interop.Libc.GroupId(AccessGroup);
        File.SetUnixFileMode(path, gid is null
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        if (gid is { } g && Interop.Libc.chown(path, 0, g) != 0)
            logger.LogWarning("Could not give socket {Path} to group {Group}", path, AccessGroup);
    }
}
