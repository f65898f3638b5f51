using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Containers.Shared;

namespace Containers.Client;

/// <summary>Builds the HttpClient for an endpoint: HTTP over the Unix socket, plain TCP, or TCP with mutual TLS.</summary>
internal static class EngineTransport
{
    public static HttpClient Create(EngineEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        Uri baseAddress;
        if (endpoint.IsUnix)
        {
            handler.ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath!), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            // The host name is not used for a Unix socket; Docker's clients send "docker" too.
            baseAddress = new Uri("http://docker/");
        }
        else if (endpoint.Tls is { } tls)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCertificatePath);
            var clientCertificate = MutualTls.LoadPem(tls.CertificatePath, tls.KeyPath);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server && MutualTls.ChainsTo(server, ca)
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
            };
            baseAddress = new Uri($"https://{endpoint.Host}:{endpoint.Port}/");
        }
        else
        {
            baseAddress = new Uri($"http://{endpoint.Host}:{endpoint.Port}/");
        }
        // Streams (events, logs) run for as long as they run; callers cancel with their token.
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// A connection of its own to the endpoint (Unix socket, TCP, or TCP with mutual TLS), for Docker's hijacked attach:
    /// HttpClient does not hand over the connection after a 101 Switching Protocols answer to a POST.
    /// </summary>
    public static async Task<Stream> ConnectAsync(EngineEndpoint endpoint, CancellationToken cancel)
    {
        var socket = endpoint.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.IsUnix) await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath!), cancel);
            else await socket.ConnectAsync(endpoint.Host!, endpoint.Port, cancel);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (endpoint.Tls is not { } tls) return stream;
            var ca = X509CertificateLoader.LoadCertificateFromFile(tls.CaCertificatePath);
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.Host,
                ClientCertificates = [MutualTls.LoadPem(tls.CertificatePath, tls.KeyPath)],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server && MutualTls.ChainsTo(server, ca)
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
            }, cancel);
            return ssl;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
