using System.Net.Http.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>Containers: create, list, inspect, rename, remove, prune.</summary>
public sealed partial class ContainersClient
{
    public async Task<ContainerCreateResponse> CreateContainerAsync(ContainerCreateRequest request, string? name = null, CancellationToken cancel = default)
    {
        var path = "containers/create" + (string.IsNullOrEmpty(name) ? "" : "?name=" + Uri.EscapeDataString(name));
        using var response = await SendAsync(HttpMethod.Post, path, JsonContent.Create(request, ApiJson.Context.ContainerCreateRequest), cancel);
        return await ReadJsonAsync(response, ApiJson.Context.ContainerCreateResponse, cancel);
    }

    public async Task<List<Container>> ListContainersAsync(bool all = false, IReadOnlyDictionary<string, string[]>? filters = null, CancellationToken cancel = default)
    {
        var query = new List<string>();
        if (all) query.Add("all=1");
        if (filters is { Count: > 0 }) query.Add("filters=" + EncodeFilters(filters));
        var rows = await GetJsonAsync("containers/json" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ApiJson.Context.ListContainerSummary, cancel);
        return rows.Select(Container.From).ToList();
    }

    public Task<ContainerInspect> InspectContainerAsync(string idOrName, CancellationToken cancel = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(idOrName)}/json", ApiJson.Context.ContainerInspect, cancel);

    public async Task RenameContainerAsync(string idOrName, string newName, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(idOrName)}/rename?name={Uri.EscapeDataString(newName)}", null, cancel);
    }

    public Task RemoveContainerAsync(string idOrName, bool force = false, CancellationToken cancel = default) =>
        RemoveContainerAsync(idOrName, force, removeVolumes: false, cancel);

    /// <summary>Removes a container; <paramref name="removeVolumes"/> removes its anonymous volumes too (docker rm -v).</summary>
    public async Task RemoveContainerAsync(string idOrName, bool force, bool removeVolumes, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete,
            $"containers/{Uri.EscapeDataString(idOrName)}?force={(force ? "1" : "0")}&v={(removeVolumes ? "1" : "0")}", null, cancel);
    }

    public async Task<ContainersPruneResponse> PruneContainersAsync(CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "containers/prune", null, cancel);
        return await ReadJsonAsync(response, ApiJson.Context.ContainersPruneResponse, cancel);
    }
}
