using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// A minimal Docker token service: checks Basic credentials and issues RS256 JWTs (with the signing
/// certificate in "x5c") that docker-registry verifies against <see cref="CertificatePath"/>.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Service = "test-registry";
    public const string Issuer = "test-token-issuer";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _cert;
    private readonly TempDir _dir = new();
    private readonly string _user, _password;
    private int _requests;

    public int Port { get; }
    public string Realm => $"http://127.0.0.1:{Port}/token";
    public string CertificatePath { get; }
    public int Requests => _requests;

    /// <summary>expires_in sent to clients (seconds).</summary>
    public int AdvertisedLifetimeSeconds { get; set; } = 300;
    /// <summary>Issue pull tokens without credentials (like Docker Hub for public repositories).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>When false, tokens carry no access claims, so the registry rejects them with 401.</summary>
    public bool GrantAccess { get; set; } = true;

    public TokenServer(string user, string password)
    {
        _user = user; _password = password;
        var req = new CertificateRequest("CN=test-token-issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePath = Path.Combine(_dir.Path, "token.crt");
        File.WriteAllText(CertificatePath, _cert.ExportCertificatePem());
        Port = FreePort.Get();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string RegistryAuthYaml => $"""
          token:
            realm: {Realm}
            service: {Service}
            issuer: {Issuer}
            rootcertbundle: {CertificatePath}
        """;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
            try { Handle(ctx); } catch (Exception) { ctx.Response.StatusCode = 500; }
            finally { ctx.Response.Close(); }
        }
    }

    private void Handle(HttpListenerContext ctx)
    {
        Interlocked.Increment(ref _requests);
        string? auth = ctx.Request.Headers["Authorization"];
        string? user = null;
        if (auth is not null && auth.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..]));
            int colon = decoded.IndexOf(':');
            if (decoded[..colon] == _user && decoded[(colon + 1)..] == _password) user = _user;
        }
        if (user is null && auth is null && AllowAnonymous) user = "";
        if (user is null)
        {
            ctx.Response.StatusCode = 401;
            WriteJson(ctx, new { details = "incorrect username or password" });
            return;
        }
        var access = new List<object>();
        foreach (var scope in GrantAccess ? ctx.Request.QueryString.GetValues("scope") ?? [] : [])
        {
            int first = scope.IndexOf(':'), last = scope.LastIndexOf(':');
            if (first < 0 || last <= first) continue;
            access.Add(new { type = scope[..first], name = scope[(first + 1)..last], actions = scope[(last + 1)..].Split(',') });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new { alg = "RS256", typ = "JWT", x5c = new[] { Convert.ToBase64String(_cert.RawData) } };
        var claims = new { iss = Issuer, sub = user, aud = Service, exp = now + 300, nbf = now - 5, iat = now, jti = Guid.NewGuid().ToString("N"), access };
        string signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] sig = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        WriteJson(ctx, new { token = signingInput + "." + B64(sig), expires_in = AdvertisedLifetimeSeconds, issued_at = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ") });
    }

    private static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void WriteJson(HttpListenerContext ctx, object o)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(o);
        ctx.Response.ContentType = "application/json";
        ctx.Response.OutputStream.Write(body);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _cert.Dispose();
        _key.Dispose();
        _dir.Dispose();
    }
}
