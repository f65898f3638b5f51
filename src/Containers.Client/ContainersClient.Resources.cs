using System.Net.Http.Json;
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
}
