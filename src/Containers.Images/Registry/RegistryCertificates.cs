using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Containers.Images.Registry;

/// <summary>
/// TLS server validation: system trust, plus per-registry CA files from a Docker certs.d directory
/// (&lt;dir&gt;/&lt;host:port&gt;/*.crt). A host name mismatch is never accepted.
/// </summary>
internal sealed class RegistryCertificates(string? certsDirectory)
{
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || certsDirectory is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        string? host = (sender as SslStream)?.TargetHostName;
        if (string.IsNullOrEmpty(host)) return false;
        var roots = LoadRoots(host);
        if (roots.Count == 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(new X509Certificate2(certificate));
    }

    private X509Certificate2Collection LoadRoots(string host)
    {
        var roots = new X509Certificate2Collection();
        if (!Directory.Exists(certsDirectory)) return roots;
        // Docker's layout is certs.d/<host:port>; the TLS callback only knows the host, so every port's directory counts.
        var dirs = Directory.EnumerateDirectories(certsDirectory!)
            .Where(d => Path.GetFileName(d) is var n && (n == host || n.StartsWith(host + ":", StringComparison.OrdinalIgnoreCase)));
        foreach (var dir in dirs)
            foreach (var file in Directory.EnumerateFiles(dir, "*.crt"))
                roots.ImportFromPemFile(file);
        return roots;
    }
}
