using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Containers.Api;

namespace Containers.Client;

/// <summary>
/// The typed client of the engine's API. Every call goes to the versioned route of the API version we speak;
/// engine errors become <see cref="ContainersEngineException"/> subclasses; streams are IAsyncEnumerable.
/// </summary>
public sealed partial class ContainersClient : IDisposable
{
    private static readonly string Prefix = "v" + ApiVersions.Current + "/";
    private readonly HttpClient _http;

    public EngineEndpoint Endpoint { get; }

    public ContainersClient(EngineEndpoint? endpoint = null)
    {
        Endpoint = endpoint ?? EngineEndpoint.Resolve();
        _http = EngineTransport.Create(Endpoint);
    }

    public async Task<PingResult> PingAsync(CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "_ping", null, cancel);
        string Header(string name) => response.Headers.TryGetValues(name, out var v) ? v.First() : "";
        return new PingResult(Header("Api-Version"), Header("Ostype"), Header("Docker-Experimental") == "true");
    }

    public Task<VersionResponse> GetVersionAsync(CancellationToken cancel = default) =>
        GetJsonAsync("version", ApiJson.Context.VersionResponse, cancel);

    public Task<SystemInfo> GetInfoAsync(CancellationToken cancel = default) =>
        GetJsonAsync("info", ApiJson.Context.SystemInfo, cancel);

    /// <summary>Version and info in one object.</summary>
    public async Task<EngineSummary> GetEngineAsync(CancellationToken cancel = default)
    {
        var version = GetVersionAsync(cancel);
        var info = GetInfoAsync(cancel);
        return EngineSummary.From(Endpoint, await version, await info);
    }

    /// <summary>Engine events, as they happen; ends when <see cref="EventsQuery.Until"/> is reached or the token is cancelled.</summary>
    public async IAsyncEnumerable<EventMessage> GetEventsAsync(EventsQuery? query = null, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var parameters = new List<string>();
        if (query?.Since is { } since) parameters.Add("since=" + Timestamp(since));
        if (query?.Until is { } until) parameters.Add("until=" + Timestamp(until));
        if (query?.Filters is { Count: > 0 } filters)
            parameters.Add("filters=" + EncodeFilters(filters));
        var path = "events" + (parameters.Count > 0 ? "?" + string.Join('&', parameters) : "");

        using var response = await SendAsync(HttpMethod.Get, path, null, cancel, HttpCompletionOption.ResponseHeadersRead);
        await foreach (var message in ReadJsonLinesAsync(response, ApiJson.Context.EventMessage, cancel))
            yield return message;
    }

    /// <summary>Reads a stream of JSON lines (Docker's JSONMessage streams), one object per line.</summary>
    private async IAsyncEnumerable<T> ReadJsonLinesAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, [EnumeratorCancellation] CancellationToken cancel)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0) continue;
            yield return JsonSerializer.Deserialize(line, type)
                ?? throw new ContainersEngineException(HttpStatusCode.OK, $"the engine sent an empty {typeof(T).Name}");
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancel);
        return await ReadJsonAsync(response, type, cancel);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancel) =>
        await response.Content.ReadFromJsonAsync(type, cancel)
        ?? throw new ContainersEngineException(response.StatusCode, $"the engine sent an empty {typeof(T).Name}");

    /// <summary>Sends a request; a non-success status throws the typed exception carrying the engine's message.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancel,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, AuthConfig? registryAuth = null)
    {
        using var request = new HttpRequestMessage(method, Prefix + path) { Content = content };
        if (registryAuth is not null) request.Headers.Add("X-Registry-Auth", RegistryAuthHeader.Encode(registryAuth));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new ContainersEngineUnavailableException(Endpoint, e.InnerException ?? e);
        }
        // 304 is Docker's "nothing to do" (start of a running container, stop of a stopped one): not an error.
        if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotModified) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancel);
            throw ContainersEngineException.From(response.StatusCode, ErrorMessage(body, response));
        }
    }

    private static string ErrorMessage(string body, HttpResponseMessage response)
    {
        try
        {
            if (JsonSerializer.Deserialize(body, ApiJson.Context.ErrorResponse) is { Message.Length: > 0 } error) return error.Message;
        }
        catch (JsonException)
        {
            // Not our JSON shape (a proxy's page, for example): fall through to the raw text.
        }
        return body.Length > 0 ? body.Trim() : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private static string Timestamp(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        return (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "." +
               (ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();
}
