using System.Net;
using Containers.Api;

namespace Containers.Client;

/// <summary>Running containers: start, stop, restart, kill, pause, unpause, wait.</summary>
public sealed partial class ContainersClient
{
    /// <summary>Starts the container; false when it was already running (Docker's 304).</summary>
    public Task<bool> StartContainerAsync(string idOrName, CancellationToken cancel = default) =>
        ActAsync(idOrName, "start", cancel);

    /// <summary>Stops it with its stop signal, then SIGKILL after <paramref name="timeoutSeconds"/>; false when it was not running.</summary>
    public Task<bool> StopContainerAsync(string idOrName, int? timeoutSeconds = null, CancellationToken cancel = default) =>
        ActAsync(idOrName, "stop" + (timeoutSeconds is { } t ? $"?t={t}" : ""), cancel);

    public Task RestartContainerAsync(string idOrName, int? timeoutSeconds = null, CancellationToken cancel = default) =>
        ActAsync(idOrName, "restart" + (timeoutSeconds is { } t ? $"?t={t}" : ""), cancel);

    /// <summary>Sends <paramref name="signal"/> (a name such as SIGHUP or HUP, or a number; default SIGKILL).</summary>
    public Task KillContainerAsync(string idOrName, string? signal = null, CancellationToken cancel = default) =>
        ActAsync(idOrName, "kill" + (signal is null ? "" : "?signal=" + Uri.EscapeDataString(signal)), cancel);

    public Task PauseContainerAsync(string idOrName, CancellationToken cancel = default) => ActAsync(idOrName, "pause", cancel);

    public Task UnpauseContainerAsync(string idOrName, CancellationToken cancel = default) => ActAsync(idOrName, "unpause", cancel);

    /// <summary>Waits until the container stops (<c>not-running</c>, <c>next-exit</c> or <c>removed</c>) and returns its exit code.</summary>
    public async Task<long> WaitContainerAsync(string idOrName, string condition = "not-running", CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(idOrName)}/wait?condition={Uri.EscapeDataString(condition)}",
            null, cancel);
        return (await ReadJsonAsync(response, ApiJson.Context.ContainerWaitResponse, cancel)).StatusCode;
    }

    private async Task<bool> ActAsync(string idOrName, string action, CancellationToken cancel)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(idOrName)}/{action}", null, cancel);
        return response.StatusCode != HttpStatusCode.NotModified;
    }
}
