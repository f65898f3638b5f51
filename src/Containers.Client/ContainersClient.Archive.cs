using System.Net.Http.Headers;
using System.Text.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>
/// A tar of a path in a container, as <c>GET /containers/{id}/archive</c> answers it: the path's stat and the tar stream,
/// read while the response is open (dispose to close it).
/// </summary>
public sealed class ContainerArchive(ContainerPathStat stat, Stream content, HttpResponseMessage response) : IDisposable
{
    public ContainerPathStat Stat { get; } = stat;

    /// <summary>The tar: a directory with its contents under the path's base name, or the one file.</summary>
    public Stream Content { get; } = content;

    public void Dispose()
    {
        Content.Dispose();
        response.Dispose();
    }
}

/// <summary>Copying files into and out of containers (what <c>docker cp</c> does, as tar streams).</summary>
public sealed partial class ContainersClient
{
    /// <summary>The stat of a path in the container (<c>HEAD /containers/{id}/archive</c>); a missing path is a not-found error.</summary>
    public async Task<ContainerPathStat> GetContainerPathStatAsync(string idOrName, string path, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Head, ArchivePath(idOrName, path), null, cancel);
        return ReadStat(response);
    }

    /// <summary>A tar of <paramref name="path"/> in the container, with its stat.</summary>
    public async Task<ContainerArchive> GetContainerArchiveAsync(string idOrName, string path, CancellationToken cancel = default)
    {
        var response = await SendAsync(HttpMethod.Get, ArchivePath(idOrName, path), null, cancel, HttpCompletionOption.ResponseHeadersRead);
        try
        {
            return new ContainerArchive(ReadStat(response), await response.Content.ReadAsStreamAsync(cancel), response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Extracts <paramref name="tar"/> into the directory <paramref name="path"/> of the container. With
    /// <paramref name="copyUidGid"/> the files are owned by the container's user (when it has one) instead of the tar's owners;
    /// with <paramref name="noOverwriteDirNonDir"/> replacing a directory with a non-directory (or the reverse) is an error.
    /// </summary>
    public async Task PutContainerArchiveAsync(string idOrName, string path, Stream tar, bool copyUidGid = false, bool noOverwriteDirNonDir = false,
        CancellationToken cancel = default)
    {
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        var query = $"{ArchivePath(idOrName, path)}&copyUIDGID={(copyUidGid ? "true" : "false")}&noOverwriteDirNonDir={(noOverwriteDirNonDir ? "true" : "false")}";
        using var _ = await SendAsync(HttpMethod.Put, query, content, cancel);
    }

    private static string ArchivePath(string idOrName, string path) => $"containers/{Uri.EscapeDataString(idOrName)}/archive?path={Uri.EscapeDataString(path)}";

    private static ContainerPathStat ReadStat(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues(ContainerPathStat.Header, out var values))
            throw new ContainersEngineException(response.StatusCode, $"the engine sent no {ContainerPathStat.Header} header");
        return JsonSerializer.Deserialize(Convert.FromBase64String(values.First()), ApiJson.Context.ContainerPathStat)
            ?? throw new ContainersEngineException(response.StatusCode, "the engine sent an empty path stat");
    }
}
