using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>Images: pull, list, inspect, history, tag, remove, prune; registry login and distribution inspect.</summary>
public sealed partial class ContainersClient
{
    /// <summary>
    /// Pulls an image, yielding Docker's progress messages as they come. An error reported inside the stream
    /// (after the 200 status) is thrown as <see cref="ContainersEngineException"/> with the engine's message.
    /// </summary>
    public async IAsyncEnumerable<ProgressMessage> PullImageAsync(string reference, string? platform = null, AuthConfig? auth = null,
        [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var path = "images/create?fromImage=" + Uri.EscapeDataString(reference) +
                   (string.IsNullOrEmpty(platform) ? "" : "&platform=" + Uri.EscapeDataString(platform));
        using var response = await SendAsync(HttpMethod.Post, path, null, cancel, HttpCompletionOption.ResponseHeadersRead, auth);
        await foreach (var message in ReadJsonLinesAsync(response, ApiJson.Context.ProgressMessage, cancel))
        {
            if (message.Error is { } error) throw new ContainersEngineException(HttpStatusCode.InternalServerError, error);
            yield return message;
        }
    }

    public Task<List<ImageSummary>> ListImagesAsync(bool all = false, IReadOnlyDictionary<string, string[]>? filters = null, CancellationToken cancel = default)
    {
        var query = new List<string>();
        if (all) query.Add("all=1");
        if (filters is { Count: > 0 }) query.Add("filters=" + EncodeFilters(filters));
        return GetJsonAsync("images/json" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ApiJson.Context.ListImageSummary, cancel);
    }

    public Task<ImageInspect> InspectImageAsync(string name, CancellationToken cancel = default) =>
        GetJsonAsync("images/" + NamePath(name) + "/json", ApiJson.Context.ImageInspect, cancel);

    public Task<List<ImageHistoryItem>> GetImageHistoryAsync(string name, CancellationToken cancel = default) =>
        GetJsonAsync("images/" + NamePath(name) + "/history", ApiJson.Context.ListImageHistoryItem, cancel);

    /// <summary>Tags <paramref name="source"/> as <paramref name="target"/> (<c>repo[:tag]</c>, tag defaults to latest).</summary>
    public async Task TagImageAsync(string source, string target, CancellationToken cancel = default)
    {
        var (repo, tag) = SplitReference(target);
        var path = $"images/{NamePath(source)}/tag?repo={Uri.EscapeDataString(repo)}" + (tag is null ? "" : "&tag=" + Uri.EscapeDataString(tag));
        using var _ = await SendAsync(HttpMethod.Post, path, null, cancel);
    }

    public async Task<List<ImageDeleteItem>> RemoveImageAsync(string name, bool force = false, bool noPrune = false, CancellationToken cancel = default)
    {
        var path = $"images/{NamePath(name)}?force={(force ? "1" : "0")}&noprune={(noPrune ? "1" : "0")}";
        using var response = await SendAsync(HttpMethod.Delete, path, null, cancel);
        return await ReadJsonAsync(response, ApiJson.Context.ListImageDeleteItem, cancel);
    }

    /// <summary>Removes dangling images, or every unused image with <paramref name="all"/>.</summary>
    public async Task<ImagePruneResponse> PruneImagesAsync(bool all = false, CancellationToken cancel = default)
    {
        var filters = new Dictionary<string, string[]> { ["dangling"] = [all ? "false" : "true"] };
        using var response = await SendAsync(HttpMethod.Post, "images/prune?filters=" + EncodeFilters(filters), null, cancel);
        return await ReadJsonAsync(response, ApiJson.Context.ImagePruneResponse, cancel);
    }

    /// <summary>Checks credentials against a registry, as <c>docker login</c> does.</summary>
    public async Task<AuthResponse> LoginAsync(AuthConfig auth, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "auth", JsonContent.Create(auth, ApiJson.Context.AuthConfig), cancel);
        return await ReadJsonAsync(response, ApiJson.Context.AuthResponse, cancel);
    }

    public Task<DistributionInspect> InspectDistributionAsync(string reference, AuthConfig? auth = null, CancellationToken cancel = default) =>
        SendForJsonAsync(HttpMethod.Get, "distribution/" + NamePath(reference) + "/json", ApiJson.Context.DistributionInspect, auth, cancel);

    private async Task<T> SendForJsonAsync<T>(HttpMethod method, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        AuthConfig? auth, CancellationToken cancel)
    {
        using var response = await SendAsync(method, path, null, cancel, HttpCompletionOption.ResponseContentRead, auth);
        return await ReadJsonAsync(response, type, cancel);
    }

    /// <summary>Image names contain slashes, which Docker's routes take as they are; every other character is escaped.</summary>
    internal static string NamePath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    private static string EncodeFilters(IReadOnlyDictionary<string, string[]> filters) =>
        Uri.EscapeDataString(JsonSerializer.Serialize(filters.ToDictionary(f => f.Key, f => f.Value), ApiJson.Context.DictionaryStringStringArray));

    /// <summary>Splits <c>repo:tag</c>; a colon inside a registry host:port is not a tag separator.</summary>
    public static (string Repository, string? Tag) SplitReference(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') && colon >= 0 ? (reference[..colon], reference[(colon + 1)..]) : (reference, null);
    }
}
