using System.Security.Cryptography.X509Certificates;

namespace Containers.Shared;

/// <summary>
/// Mutual TLS helpers used by both ends (compiled into the engine and the client): load a PEM certificate with its
/// key, and check that a peer's certificate chains to one specific CA rather than to the system's trust store.
/// </summary>
internal static class MutualTls
{
    public static X509Certificate2 LoadPem(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-import as PKCS#12 so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
