using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using Containers.Images.Content;
using Containers.Images.Manifests;
using Containers.Images.References;

namespace Containers.Images.Registry;

/// <summary>A fetched manifest: raw bytes, its media type and its digest (sha256 of the bytes).</summary>
public sealed record ManifestResponse(byte[] Bytes, string MediaType, Digest Digest, ParsedManifest Parsed);

/// <summary>
/// Client for the OCI distribution API v1.1 / Docker registry v2: endpoint choice (mirrors, HTTP only for
/// insecure and loopback registries), auth (anonymous, Basic, Bearer token with per-scope cache),
/// retries with backoff and timeouts. Thread-safe; one instance per engine.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const string DockerHubEndpoint = "https://registry-1.docker.io";
    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly ICredentialProvider? _credentials;
    // Per endpoint authority: the last challenge it sent, so later requests authenticate up front.
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new();
    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new();
    // Per registry host: the scheme that worked, so HTTPS isn't re-probed on every request.
    private readonly ConcurrentDictionary<string, string> _workingScheme = new();

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);

    public RegistryClient(RegistryOptions? options = null, ICredentialProvider? credentials = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? new RegistryOptions();
        _credentials = credentials;
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            AllowAutoRedirect = true, // .NET drops Authorization on redirect, as needed for blob storage redirects
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = { RemoteCertificateValidationCallback = new RegistryCertificates(_options.CertificatesDirectory).Validate },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Number of bearer tokens fetched from token services (observable for tests and metrics).</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    // ---------------------------------------------------------------- public operations

    /// <summary>GET a manifest by tag or digest; verifies a digest reference and enforces the 4 MiB cap.</summary>
    public async Task<ManifestResponse> GetManifestAsync(ImageReference image, string reference, RegistryCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        string what = image.Name + (reference.Contains(':') ? "@" : ":") + reference;
        using var response = await SendAsync(image, "/manifests/" + reference, HttpMethod.Get, credentials, req =>
        {
            foreach (var mt in MediaTypes.AcceptedManifests) req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mt));
            // Listed last so a registry holding only schema1 answers with it and we can refuse clearly.
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerSchema1Signed, 0.5));
        }, null, notFoundMessage: $"manifest for {image.FamiliarName}:{reference} not found: manifest unknown", cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > ManifestParser.MaxManifestBytes)
            throw new UnsupportedManifestException($"manifest for {what} is {response.Content.Headers.ContentLength} bytes, larger than the {ManifestParser.MaxManifestBytes} byte limit");
        byte[] bytes = await ReadLimitedAsync(response, ManifestParser.MaxManifestBytes, what, cancellationToken).ConfigureAwait(false);
        string? contentType = response.Content.Headers.ContentType?.MediaType;
        var parsed = ManifestParser.Parse(bytes, contentType, what);
        Digest digest = Digest.Sha256Of(bytes);
        if (Digest.TryParse(reference, out var expected))
        {
            expected.Verify(bytes, actual => $"manifest for {what}: registry {image.Domain} returned content with digest {actual}");
            digest = expected;
        }
        return new ManifestResponse(bytes, parsed.MediaType, digest, parsed);
    }

    /// <summary>GET a small blob (an image config) fully into memory, verified against its digest.</summary>
    public async Task<byte[]> GetBlobBytesAsync(ImageReference image, Digest digest, long maxBytes, RegistryCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(image, "/blobs/" + digest, HttpMethod.Get, credentials, null, null,
            $"blob {digest} not found in {image.Name}", cancellationToken).ConfigureAwait(false);
        byte[] bytes = await ReadLimitedAsync(response, maxBytes, $"blob {digest} of {image.Name}", cancellationToken).ConfigureAwait(false);
        digest.Verify(bytes, actual => $"blob {digest} of {image.Name}: registry {image.Domain} returned content with digest {actual}");
        return bytes;
    }

    /// <summary>Opens a blob from <paramref name="offset"/> using an HTTP Range request.</summary>
    public async Task<BlobSourceResponse> OpenBlobAsync(ImageReference image, Digest digest, long offset, RegistryCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(image, "/blobs/" + digest, HttpMethod.Get, credentials,
            req => { if (offset > 0) req.Headers.Range = new RangeHeaderValue(offset, null); }, null,
            $"blob {digest} not found in {image.Name}", cancellationToken).ConfigureAwait(false);
        return await ToBlobResponseAsync(response, offset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a non-distributable layer from one of its descriptor URLs (plain GET, no registry auth).</summary>
    public async Task<BlobSourceResponse> OpenUrlAsync(Uri url, long offset, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            throw new RegistryException($"layer URL {url} is neither http nor https");
        var response = await SendWithRetriesAsync(() =>
        {
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            if (offset > 0) req.Headers.Range = new RangeHeaderValue(offset, null);
            return req;
        }, url.Authority, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new RegistryException($"layer URL {url} answered HTTP {(int)response.StatusCode}") { StatusCode = (int)response.StatusCode };
        }
        return await ToBlobResponseAsync(response, offset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /distribution/{name}/json: the descriptor of what a reference points to and, for an index,
    /// the platforms it offers.
    /// </summary>
    public async Task<(Descriptor Descriptor, IReadOnlyList<Platform> Platforms)> InspectDistributionAsync(ImageReference image, RegistryCredentials? credentials = null, CancellationToken cancellationToken = default)
    {
        var m = await GetManifestAsync(image, image.ManifestReference, credentials, cancellationToken).ConfigureAwait(false);
        var descriptor = new Descriptor { MediaType = m.MediaType, Digest = m.Digest.ToString(), Size = m.Bytes.Length };
        if (m.Parsed.Index is { } index)
            return (descriptor, index.Manifests.Where(d => d.Platform is not null).Select(d => d.Platform!).ToList());
        var config = JsonSerializer.Deserialize<ImageConfig>(await GetBlobBytesAsync(image, Digest.Parse(m.Parsed.Manifest!.Config.Digest), 8 << 20, credentials, cancellationToken).ConfigureAwait(false));
        return (descriptor, [new Platform { Os = config?.Os ?? "", Architecture = config?.Architecture ?? "", Variant = config?.Variant }]);
    }

    /// <summary>Checks credentials against a registry as `docker login` does (GET /v2/ with auth).</summary>
    public async Task CheckLoginAsync(string registry, RegistryCredentials credentials, CancellationToken cancellationToken = default)
    {
        var probe = ImageReference.Parse(RegistryHostName.Normalize(registry) + "/login-probe");
        using var response = await SendAsync(probe, null, HttpMethod.Get, credentials, null, scope: "", "registry not found", cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- endpoints

    private IEnumerable<Uri> Endpoints(string domain)
    {
        if (domain == ImageReference.DefaultDomain)
        {
            foreach (var m in _options.Mirrors) yield return m;
            yield return new Uri(DockerHubEndpoint);
            yield break;
        }
        bool plainAllowed = IsInsecure(domain);
        if (_workingScheme.TryGetValue(domain, out var known))
        {
            yield return new Uri(known + "://" + domain);
            yield break;
        }
        yield return new Uri("https://" + domain);
        if (plainAllowed) yield return new Uri("http://" + domain);
    }

    /// <summary>HTTP is allowed for configured insecure registries and for loopback addresses.</summary>
    public bool IsInsecure(string domain)
    {
        string host = domain;
        if (host.StartsWith('[')) host = host[1..host.IndexOf(']')];
        else if (host.Count(c => c == ':') == 1) host = host[..host.IndexOf(':')];
        if (host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))) return true;
        return _options.InsecureRegistries.Any(r => string.Equals(RegistryHostName.Normalize(r), domain, StringComparison.OrdinalIgnoreCase)
            || string.Equals(RegistryHostName.Normalize(r), host, StringComparison.OrdinalIgnoreCase));
    }

    // ---------------------------------------------------------------- request pipeline

    /// <summary>
    /// Sends /v2/&lt;name&gt;&lt;path&gt; to each endpoint in turn (mirrors first), authenticating as challenged.
    /// Non-success statuses become exceptions; the caller owns the returned response.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(ImageReference image, string? path, HttpMethod method, RegistryCredentials? explicitCredentials,
        Action<HttpRequestMessage>? configure, string? scope, string notFoundMessage, CancellationToken cancellationToken)
    {
        scope ??= $"repository:{image.Path}:pull";
        Exception? last = null;
        var endpoints = Endpoints(image.Domain).ToList();
        for (int e = 0; e < endpoints.Count; e++)
        {
            Uri endpoint = endpoints[e];
            bool isMirror = image.Domain == ImageReference.DefaultDomain && e < endpoints.Count - 1;
            string relative = path is null ? "/v2/" : $"/v2/{image.Path}{path}";
            var creds = explicitCredentials ?? _credentials?.GetCredentials(isMirror ? endpoint.Authority : image.Domain);
            try
            {
                var response = await SendAuthenticatedAsync(endpoint, relative, method, creds, configure, scope, image.Domain, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    if (image.Domain != ImageReference.DefaultDomain) _workingScheme.TryAdd(image.Domain, endpoint.Scheme);
                    return response;
                }
                using (response)
                {
                    string detail = await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
                    int status = (int)response.StatusCode;
                    if (isMirror) { last = new RegistryException($"mirror {endpoint} answered HTTP {status}{detail}") { StatusCode = status }; continue; }
                    throw response.StatusCode switch
                    {
                        HttpStatusCode.NotFound => new RegistryNotFoundException(notFoundMessage + detail) { StatusCode = status },
                        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RegistryAuthenticationException(
                            $"{(creds is null ? "unauthorized: authentication required" : "unauthorized: incorrect username or password")} for registry {image.Domain} (HTTP {status}){detail}") { StatusCode = status },
                        _ => new RegistryException($"registry {image.Domain} answered HTTP {status} for {method} {relative}{detail}") { StatusCode = status },
                    };
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or RegistryUnavailableException && !cancellationToken.IsCancellationRequested)
            {
                // TLS refused (plain HTTP registry) or unreachable: try the next endpoint, if any.
                last = ex;
            }
        }
        throw last switch
        {
            RegistryUnavailableException u => u,
            HttpRequestException h => new RegistryUnavailableException($"registry {image.Domain} is not reachable: {h.Message}", h),
            RegistryException r => r,
            _ => new RegistryUnavailableException($"registry {image.Domain} is not reachable", last),
        };
    }

    private async Task<HttpResponseMessage> SendAuthenticatedAsync(Uri endpoint, string relative, HttpMethod method, RegistryCredentials? creds,
        Action<HttpRequestMessage>? configure, string scope, string domain, CancellationToken cancellationToken)
    {
        string authority = endpoint.Authority;
        bool refreshed = false;
        while (true)
        {
            AuthenticationHeaderValue? auth = null;
            if (_challenges.TryGetValue(authority, out var challenge))
                auth = await AuthorizationForAsync(challenge, creds, scope, domain, forceRefresh: refreshed, cancellationToken).ConfigureAwait(false);
            var response = await SendWithRetriesAsync(() =>
            {
                var req = new HttpRequestMessage(method, new Uri(endpoint, relative));
                if (auth is not null) req.Headers.Authorization = auth;
                configure?.Invoke(req);
                return req;
            }, authority, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || refreshed) return response;
            var challenges = AuthChallenge.Parse(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            var usable = challenges.FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                ?? challenges.FirstOrDefault(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
            if (usable is null) return response;
            if (usable.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && creds is null) return response;
            response.Dispose();
            _challenges[authority] = usable;
            refreshed = true; // one more attempt with fresh authorization; a second 401 is final
        }
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationForAsync(AuthChallenge challenge, RegistryCredentials? creds, string scope, string domain, bool forceRefresh, CancellationToken cancellationToken)
    {
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return creds is null ? null : new AuthenticationHeaderValue("Basic", creds.BasicHeaderValue);
        string realm = challenge.Get("realm") ?? throw new RegistryAuthenticationException($"registry {domain} sent a Bearer challenge without a realm");
        string service = challenge.Get("service") ?? "";
        // Keyed by a hash of the credentials too, so a login with a wrong password never reuses a good token.
        string key = string.Join('\n', realm, service, scope, creds is null ? "" : Digest.Sha256Of(creds.BasicHeaderValue).Hex);
        if (!forceRefresh && _tokens.TryGetValue(key, out var cached) && cached.ExpiresAt > DateTimeOffset.UtcNow)
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        var token = await FetchTokenAsync(realm, service, scope, creds, domain, cancellationToken).ConfigureAwait(false);
        _tokens[key] = token;
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }

    private async Task<CachedToken> FetchTokenAsync(string realm, string service, string scope, RegistryCredentials? creds, string domain, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (service.Length > 0) query.Add("service=" + Uri.EscapeDataString(service));
        if (scope.Length > 0) query.Add("scope=" + Uri.EscapeDataString(scope));
        if (creds is not null) query.Add("account=" + Uri.EscapeDataString(creds.Username));
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || (realmUri.Scheme != "https" && realmUri.Scheme != "http"))
            throw new RegistryAuthenticationException($"registry {domain} sent an invalid token realm \"{realm}\"");
        var uri = new UriBuilder(realmUri) { Query = string.Join('&', query) }.Uri;
        Interlocked.Increment(ref _tokenRequests);
        using var response = await SendWithRetriesAsync(() =>
        {
            var req = new HttpRequestMessage(HttpMethod.Get, uri);
            if (creds is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Basic", creds.BasicHeaderValue);
            return req;
        }, uri.Authority, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new RegistryAuthenticationException(
                $"{(creds is null ? "unauthorized: authentication required" : "unauthorized: incorrect username or password")} for registry {domain} (token service answered HTTP {(int)response.StatusCode})")
            { StatusCode = (int)response.StatusCode };
        if (!response.IsSuccessStatusCode)
            throw new RegistryException($"token service {uri.GetLeftPart(UriPartial.Path)} for registry {domain} answered HTTP {(int)response.StatusCode}") { StatusCode = (int)response.StatusCode };
        byte[] body = await ReadLimitedAsync(response, 1 << 20, "token response", cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string? token = root.TryGetProperty("token", out var t) ? t.GetString() : root.TryGetProperty("access_token", out var at) ? at.GetString() : null;
            if (string.IsNullOrEmpty(token)) throw new RegistryAuthenticationException($"token service for registry {domain} returned no token");
            int expiresIn = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var ei) && ei > 0 ? ei : 60; // spec default
            DateTimeOffset issued = root.TryGetProperty("issued_at", out var ia) && ia.TryGetDateTimeOffset(out var iat) ? iat : DateTimeOffset.UtcNow;
            if (issued > DateTimeOffset.UtcNow) issued = DateTimeOffset.UtcNow;
            // Refresh a little early so a token doesn't expire between our check and the registry's.
            var margin = TimeSpan.FromSeconds(Math.Min(10, expiresIn / 10.0));
            return new CachedToken(token, issued + TimeSpan.FromSeconds(expiresIn) - margin);
        }
        catch (JsonException ex) { throw new RegistryAuthenticationException($"token service for registry {domain} returned invalid JSON: {ex.Message}"); }
    }

    /// <summary>Sends with backoff on connection failures, 5xx and 429. TLS failures are not retried.</summary>
    private async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> build, string authority, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var request = build();
            _options.Log?.Invoke($"{request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxAttempts)
                    throw new RegistryUnavailableException($"registry {authority} did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s ({attempt} attempts)");
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (HttpRequestException ex) when (IsTls(ex))
            {
                throw; // e.g. HTTPS against a plain-HTTP registry: not transient
            }
            catch (HttpRequestException ex)
            {
                if (attempt >= _options.MaxAttempts)
                    throw new RegistryUnavailableException($"registry {authority} is not reachable after {attempt} attempts: {ex.Message}", ex);
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }
            int status = (int)response.StatusCode;
            if ((status >= 500 || status == 429) && attempt < _options.MaxAttempts)
            {
                response.Dispose();
                await BackoffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    private static bool IsTls(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.SecureConnectionError || ex.InnerException is AuthenticationException;

    private Task BackoffAsync(int attempt, CancellationToken cancellationToken)
    {
        double ms = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
        return Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken);
    }

    private async Task<BlobSourceResponse> ToBlobResponseAsync(HttpResponseMessage response, long offset, CancellationToken cancellationToken)
    {
        long start = 0;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            start = response.Content.Headers.ContentRange?.From ?? offset;
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new BlobSourceResponse(new IdleTimeoutStream(body, response, _options.RequestTimeout), start);
    }

    private async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, long max, string what, CancellationToken cancellationToken)
    {
        await using var body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), null, _options.RequestTimeout);
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        while (true)
        {
            int n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            if (ms.Length + n > max)
                throw new UnsupportedManifestException($"{what} is larger than the {max} byte limit");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (text.Length == 0 || text.Length > 65536) return "";
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var parts = errors.EnumerateArray()
                    .Select(e => (e.TryGetProperty("code", out var c) ? c.GetString() : null, e.TryGetProperty("message", out var m) ? m.GetString() : null))
                    .Select(p => p.Item2 ?? p.Item1).Where(s => !string.IsNullOrEmpty(s));
                string joined = string.Join("; ", parts);
                return joined.Length > 0 ? ": " + joined : "";
            }
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException) { }
        return "";
    }
}
