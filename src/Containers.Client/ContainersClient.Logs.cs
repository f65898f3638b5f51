using System.Runtime.CompilerServices;
using System.Text;
using Containers.Shared;

namespace Containers.Client;

/// <summary>Which output stream a log line came from.</summary>
public enum ContainerLogStream { Stdout, Stderr }

/// <summary>One line of a container's output, without its newline (the last one may be a line the container has not ended).</summary>
public sealed record ContainerLogLine(ContainerLogStream Stream, string Text);

/// <summary>Container logs, demultiplexed into lines.</summary>
public sealed partial class ContainersClient
{
    /// <summary>
    /// <c>docker logs</c>: the container's output as lines per stream; <paramref name="tail"/> is a number of lines or
    /// null for all; with <paramref name="follow"/> the sequence goes on until the container stops. A TTY container's
    /// output has one stream (stdout).
    /// </summary>
    public async IAsyncEnumerable<ContainerLogLine> GetContainerLogsAsync(string idOrName, bool stdout = true, bool stderr = true,
        int? tail = null, bool timestamps = false, bool follow = false, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var query = $"stdout={(stdout ? 1 : 0)}&stderr={(stderr ? 1 : 0)}&tail={(tail?.ToString() ?? "all")}&timestamps={(timestamps ? 1 : 0)}&follow={(follow ? 1 : 0)}";
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(idOrName)}/logs?{query}", null, cancel,
            HttpCompletionOption.ResponseHeadersRead);
        var multiplexed = response.Content.Headers.ContentType?.MediaType == StreamFraming.MultiplexedMediaType;
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var pending = new[] { new List<byte>(), new List<byte>() };
        var buffer = new byte[16 * 1024];
        while (true)
        {
            ContainerLogStream stream;
            ReadOnlyMemory<byte> chunk;
            if (multiplexed)
            {
                if (await StreamFraming.ReadFrameAsync(body, cancel) is not { } frame) break;
                stream = frame.Stream == StdStream.Stderr ? ContainerLogStream.Stderr : ContainerLogStream.Stdout;
                chunk = frame.Payload;
            }
            else
            {
                int n = await body.ReadAsync(buffer, cancel);
                if (n == 0) break;
                stream = ContainerLogStream.Stdout;
                chunk = buffer.AsMemory(0, n);
            }
            var held = pending[(int)stream];
            foreach (var b in chunk.ToArray())
            {
                if (b != '\n')
                {
                    held.Add(b);
                    continue;
                }
                yield return new ContainerLogLine(stream, Encoding.UTF8.GetString([.. held]));
                held.Clear();
            }
        }
        for (int i = 0; i < 2; i++)
            if (pending[i].Count > 0) yield return new ContainerLogLine((ContainerLogStream)i, Encoding.UTF8.GetString([.. pending[i]]));
    }
}
