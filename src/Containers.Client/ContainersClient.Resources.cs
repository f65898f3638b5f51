using Containers.Api;

namespace Containers.Client;

/// <summary>A container's resources: its processes (top), its usage (stats) and its limits (update).</summary>
public sealed partial class ContainersClient
{
    /// <summary>The container's processes as the engine host's <c>ps</c> shows them (default arguments <c>-ef</c>); host PIDs.</summary>
    public Task<ContainerTopResponse> GetContainerProcessesAsync(string idOrName, string? psArgs = null, CancellationToken cancel = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(idOrName)}/top" + (psArgs is null ? "" : "?ps_args=" + Uri.EscapeDataString(psArgs)),
            ApiJson.Context.ContainerTopResponse, cancel);
}
