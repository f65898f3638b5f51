using System.Net.Http.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>Volumes: create, list, inspect, remove and prune.</summary>
public sealed partial class ContainersClient
{
    /// <summary>Creates a volume (a name the engine picks when the request has none) and returns it; creating an existing name returns that volume.</summary>
    public async Task<Volume> CreateVolumeAsync(VolumeCreateRequest request, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "volumes/create", JsonContent.Create(request, ApiJson.Context.VolumeCreateRequest), cancel);
        return await ReadJsonAsync(response, ApiJson.Context.Volume, cancel);
    }

    /// <summary>The volumes, optionally filtered with Docker's volume filters (name, driver, label, dangling).</summary>
    public async Task<List<Volume>> ListVolumesAsync(IReadOnlyDictionary<string, string[]>? filters = null, CancellationToken cancel = default) =>
        (await GetJsonAsync("volumes" + FiltersQuery(filters), ApiJson.Context.VolumeListResponse, cancel)).Volumes;

    public Task<Volume> GetVolumeAsync(string name, CancellationToken cancel = default) =>
        GetJsonAsync("volumes/" + Uri.EscapeDataString(name), ApiJson.Context.Volume, cancel);

    /// <summary>Removes a volume; <paramref name="force"/> as the CLI's <c>docker volume rm -f</c>. A volume a container uses is a conflict.</summary>
    public async Task RemoveVolumeAsync(string name, bool force = false, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, "volumes/" + Uri.EscapeDataString(name) + (force ? "?force=true" : ""), null, cancel);
    }

    /// <summary>
    /// Removes the volumes no container uses: the anonymous ones, or every unused one with <paramref name="all"/>
    /// (Docker's <c>all</c> prune filter); <paramref name="filters"/> adds Docker's other prune filters (label).
    /// </summary>
    public async Task<VolumePruneResponse> PruneVolumesAsync(bool all = false, IReadOnlyDictionary<string, string[]>? filters = null, CancellationToken cancel = default)
    {
        var merged = new Dictionary<string, string[]>(filters ?? new Dictionary<string, string[]>());
        if (all) merged["all"] = ["true"];
        using var response = await SendAsync(HttpMethod.Post, "volumes/prune" + FiltersQuery(merged), null, cancel);
        return await ReadJsonAsync(response, ApiJson.Context.VolumePruneResponse, cancel);
    }

    private static string FiltersQuery(IReadOnlyDictionary<string, string[]>? filters) =>
        filters is { Count: > 0 } ? "?filters=" + EncodeFilters(filters) : "";
}
