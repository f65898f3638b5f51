using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Containers.Shared;

namespace Containers.Client;

/// <summary>
/// A live attach to a container (<c>docker attach</c>): <see cref="Stream"/> reads the container's output (Docker's
/// multiplexed framing unless the container has a TTY) and, when stdin was attached, writes its input. Disposing it
/// closes the connection, which detaches.
/// </summary>
public sealed class ContainerAttachment : IAsyncDisposable, IDisposable
{
    internal ContainerAttachment(Stream stream, bool multiplexed)
    {
        Stream = stream;
        Multiplexed = multiplexed;
    }

    /// <summary>The hijacked connection: output to read, stdin to write.</summary>
    public Stream Stream { get; }

    /// <summary>True when the output is framed per stream (no TTY); a TTY container's output is the raw terminal bytes.</summary>
    public bool Multiplexed { get; }

    /// <summary>The output as lines per stream, until the container's run ends or the attach is closed.</summary>
    public IAsyncEnumerable<ContainerLogLine> ReadLinesAsync(CancellationToken cancel = default) =>
        ContainersClient.ReadLinesAsync(Stream, Multiplexed, timestamps: false, cancel);

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    public void Dispose() => Stream.Dispose();
}

/// <summary>Attach, the terminal size, and waiting for an exit registered before the container starts.</summary>
public sealed partial class ContainersClient
{
    /// <summary>
    /// <c>POST /containers/{id}/attach</c> with the connection hijacked (<c>Upgrade: tcp</c>), as <c>docker attach</c> and
    /// <c>docker run</c> do: the streams asked for, from now on (and the logged output first with <paramref name="logs"/>).
    /// Attaching to a created container before starting it loses no output. <paramref name="detachKeys"/> overrides the
    /// engine's ctrl-p,ctrl-q (they work with a TTY only).
    /// </summary>
    public async Task<ContainerAttachment> AttachContainerAsync(string idOrName, bool stdin = false, bool stdout = true, bool stderr = true,
        bool logs = false, string? detachKeys = null, CancellationToken cancel = default)
    {
        var query = $"stream=1&stdin={(stdin ? 1 : 0)}&stdout={(stdout ? 1 : 0)}&stderr={(stderr ? 1 : 0)}&logs={(logs ? 1 : 0)}";
        if (detachKeys is not null) query += "&detachKeys=" + Uri.EscapeDataString(detachKeys);
        return await HijackAsync($"containers/{Uri.EscapeDataString(idOrName)}/attach?{query}", null, cancel);
    }

    /// <summary>
    /// A POST on its own connection with <c>Upgrade: tcp</c> (and an optional JSON body, as the docker CLI sends exec
    /// start), handed over as a stream once the engine answers 101. HttpClient does not hand over a 101, so the request is
    /// written by hand; an error answer becomes the engine's typed exception.
    /// </summary>
    private async Task<ContainerAttachment> HijackAsync(string pathAndQuery, byte[]? jsonBody, CancellationToken cancel)
    {
        Stream connection;
        try
        {
            connection = await EngineTransport.ConnectAsync(Endpoint, cancel);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
        {
            throw new ContainersEngineUnavailableException(Endpoint, e);
        }
        try
        {
            var host = Endpoint.IsUnix ? "docker" : $"{Endpoint.Host}:{Endpoint.Port}";
            var content = jsonBody is null ? "Content-Length: 0\r\n" : $"Content-Type: application/json\r\nContent-Length: {jsonBody.Length}\r\n";
            var request = $"POST /{Prefix}{pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n{content}\r\n";
            byte[] bytes = [.. Encoding.ASCII.GetBytes(request), .. jsonBody ?? []];
            await connection.WriteAsync(bytes, cancel);
            await connection.FlushAsync(cancel);
            var head = await ReadHeadAsync(connection, cancel);
            var status = (HttpStatusCode)int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture);
            string? Header(string name) => head.Skip(1).Where(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                .Select(h => h[(name.Length + 1)..].Trim()).FirstOrDefault();
            if (status != HttpStatusCode.SwitchingProtocols)
            {
                // An error answer (404, 409...): the engine's JSON message, in a body of known length or chunked.
                var body = Header("Content-Length") is { } length ? await ReadBytesAsync(connection, int.Parse(length, CultureInfo.InvariantCulture), cancel)
                    : await ReadChunkedAsync(connection, cancel);
                using var response = new HttpResponseMessage(status) { ReasonPhrase = head[0].Split(' ', 3).ElementAtOrDefault(2) };
                throw ContainersEngineException.From(status, ErrorMessage(body, response));
            }
            return new ContainerAttachment(connection, Header("Content-Type") == StreamFraming.MultiplexedMediaType);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<string>> ReadHeadAsync(Stream connection, CancellationToken cancel)
    {
        var lines = new List<string>();
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await connection.ReadAsync(one, cancel) == 0) throw new IOException("the engine closed the attach connection");
            if (one[0] != '\n')
            {
                if (one[0] != '\r') line.Add(one[0]);
                continue;
            }
            if (line.Count == 0) return lines;
            lines.Add(Encoding.ASCII.GetString([.. line]));
            line.Clear();
        }
    }

    private static async Task<string> ReadBytesAsync(Stream connection, int count, CancellationToken cancel)
    {
        var body = new byte[count];
        await connection.ReadExactlyAsync(body, cancel);
        return Encoding.UTF8.GetString(body);
    }

    private static async Task<string> ReadChunkedAsync(Stream connection, CancellationToken cancel)
    {
        var text = new StringBuilder();
        while ((await ReadLineAsync(connection, cancel)) is { Length: > 0 } size && int.Parse(size.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is > 0 and var n)
        {
            text.Append(await ReadBytesAsync(connection, n, cancel));
            await ReadLineAsync(connection, cancel);
        }
        return text.ToString();
    }

    private static async Task<string> ReadLineAsync(Stream connection, CancellationToken cancel)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await connection.ReadAsync(one, cancel) > 0 && one[0] != '\n')
            if (one[0] != '\r') line.Add(one[0]);
        return Encoding.ASCII.GetString([.. line]);
    }

    /// <summary>Sets the size of the container's TTY (<c>POST /containers/{id}/resize</c>).</summary>
    public async Task ResizeContainerTtyAsync(string idOrName, int width, int height, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(idOrName)}/resize?h={height}&w={width}", null, cancel);
    }
}
