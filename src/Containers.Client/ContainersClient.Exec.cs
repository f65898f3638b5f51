using System.Net.Http.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>Exec: a command run inside a running container (<c>docker exec</c>).</summary>
public sealed partial class ContainersClient
{
    /// <summary><c>POST /containers/{id}/exec</c>: an exec instance of <paramref name="request"/>'s command; returns its ID.</summary>
    public async Task<string> CreateExecAsync(string containerIdOrName, ExecCreateRequest request, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(containerIdOrName)}/exec",
            JsonContent.Create(request, ApiJson.Context.ExecCreateRequest), cancel);
        return (await ReadJsonAsync(response, ApiJson.Context.ExecCreateResponse, cancel)).Id;
    }

    /// <summary>
    /// Starts the exec attached, as <c>docker exec</c> does: the returned stream carries the streams the exec was created to
    /// attach (multiplexed unless it has a TTY) and takes its stdin; it ends once the process has ended, and then
    /// <see cref="InspectExecAsync"/> has its exit code. A command that cannot start is reported in the stream, as by dockerd.
    /// </summary>
    public async Task<ContainerAttachment> StartExecAsync(string execId, bool tty = false, CancellationToken cancel = default)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ExecStartRequest { Tty = tty }, ApiJson.Context.ExecStartRequest);
        return await HijackAsync($"exec/{Uri.EscapeDataString(execId)}/start", body, cancel);
    }

    /// <summary>Starts the exec detached (<c>docker exec -d</c>): returns once the process runs.</summary>
    public async Task StartExecDetachedAsync(string execId, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"exec/{Uri.EscapeDataString(execId)}/start",
            JsonContent.Create(new ExecStartRequest { Detach = true }, ApiJson.Context.ExecStartRequest), cancel);
    }

    /// <summary><c>GET /exec/{id}/json</c>: running or not, the exit code once it has ended, its PID and process settings.</summary>
    public Task<ExecInspect> InspectExecAsync(string execId, CancellationToken cancel = default) =>
        GetJsonAsync($"exec/{Uri.EscapeDataString(execId)}/json", ApiJson.Context.ExecInspect, cancel);

    /// <summary>Sets the size of the exec's TTY (<c>POST /exec/{id}/resize</c>).</summary>
    public async Task ResizeExecTtyAsync(string execId, int width, int height, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"exec/{Uri.EscapeDataString(execId)}/resize?h={height}&w={width}", null, cancel);
    }
}
