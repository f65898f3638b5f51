using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Containers.Api;

namespace Containers.Client;

/// <summary>A container's resources: its processes (top), its usage (stats) and its limits (update).</summary>
public sealed partial class ContainersClient
{
    /// <summary>The container's processes as the engine host's <c>ps</c> shows them (default arguments <c>-ef</c>); host PIDs.</summary>
    public Task<ContainerTopResponse> GetContainerProcessesAsync(string idOrName, string? psArgs = null, CancellationToken cancel = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(idOrName)}/top" + (psArgs is null ? "" : "?ps_args=" + Uri.EscapeDataString(psArgs)),
            ApiJson.Context.ContainerTopResponse, cancel);

    /// <summary>
    /// Changes a container's limits (0 / null fields stay as they are) and restart policy: applied to its live cgroup
    /// when it runs, kept for its next start otherwise. Returns the engine's warnings (a limit this host cannot enforce).
    /// </summary>
    public async Task<IReadOnlyList<string>> UpdateContainerAsync(string idOrName, ContainerUpdateRequest update, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(idOrName)}/update",
            JsonContent.Create(update, ApiJson.Context.ContainerUpdateRequest), cancel);
        return (await ReadJsonAsync(response, ApiJson.Context.ContainerUpdateResponse, cancel)).Warnings;
    }

    /// <summary>
    /// One sample of the container's usage. With <paramref name="oneShot"/> it comes at once without the previous CPU
    /// sample (no CPU % can be computed from it); otherwise the engine samples twice, a second apart, as docker stats --no-stream.
    /// </summary>
    public Task<ContainerStatsResponse> GetContainerStatsAsync(string idOrName, bool oneShot = false, CancellationToken cancel = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(idOrName)}/stats?stream=false" + (oneShot ? "&one-shot=true" : ""),
            ApiJson.Context.ContainerStatsResponse, cancel);

    /// <summary>A sample a second (each with the previous one's CPU figures) until cancelled or the container is removed.</summary>
    public async IAsyncEnumerable<ContainerStatsResponse> StreamContainerStatsAsync(string idOrName, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(idOrName)}/stats?stream=true", null, cancel,
            HttpCompletionOption.ResponseHeadersRead);
        await foreach (var sample in ReadJsonLinesAsync(response, ApiJson.Context.ContainerStatsResponse, cancel))
            yield return sample;
    }
}
