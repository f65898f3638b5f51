using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Containers.Testing;

/// <summary>
/// Throwaway PKI for TLS tests: a CA, a server certificate for 127.0.0.1 signed by it, a client certificate
/// signed by it, and a "rogue" client certificate signed by an unrelated CA. All written as PEM files.
/// </summary>
public sealed class TestCertificates
{
    public string Directory { get; }
    public string CaCert => Path.Combine(Directory, "ca.pem");
    public string ServerCert => Path.Combine(Directory, "server-cert.pem");
    public string ServerKey => Path.Combine(Directory, "server-key.pem");
    public string ClientCert => Path.Combine(Directory, "cert.pem");
    public string ClientKey => Path.Combine(Directory, "key.pem");
    public string RogueCert => Path.Combine(Directory, "rogue-cert.pem");
    public string RogueKey => Path.Combine(Directory, "rogue-key.pem");

    public TestCertificates(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        using var caKey = RSA.Create(2048);
        using var ca = SelfSignedCa("CN=containers test CA", caKey);
        File.WriteAllText(CaCert, ca.ExportCertificatePem());

        Issue(ca, "CN=127.0.0.1", server: true, ServerCert, ServerKey);
        Issue(ca, "CN=client", server: false, ClientCert, ClientKey);

        using var rogueCaKey = RSA.Create(2048);
        using var rogueCa = SelfSignedCa("CN=rogue CA", rogueCaKey);
        Issue(rogueCa, "CN=client", server: false, RogueCert, RogueKey);
    }

    private static X509Certificate2 SelfSignedCa(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static void Issue(X509Certificate2 issuer, string subject, bool server, string certPath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        using var cert = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }
}
