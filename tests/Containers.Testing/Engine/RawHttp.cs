using System.Net.Sockets;
using System.Text;

namespace Containers.Testing;

/// <summary>
/// Plain HTTP/1.1 over the engine's Unix socket, for tests that need exact control of the request
/// (malformed bodies, odd paths, methods) and want to see the raw status, headers and body.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, Dictionary<string, string> Headers, string Body);

    public static HttpClient Create(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancel) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = new Uri("http://docker/") };

    public static async Task<Response> SendAsync(string socketPath, HttpMethod method, string path, string? body = null,
        string contentType = "application/json")
    {
        using var http = Create(socketPath);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await http.SendAsync(request);
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Response((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a request line and headers announcing a body, but no body; returns the status and raw response text.</summary>
    public static async Task<(int Status, string Raw)> SendHeadersOnlyAsync(string socketPath, string method, string path, long contentLength)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        var head = $"{method} {path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        var raw = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!raw.ToString().Contains("\r\n\r\n") || !raw.ToString().TrimEnd().EndsWith('}'))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0) break;
            raw.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var text = raw.ToString();
        return (int.Parse(text.Split(' ')[1]), text);
    }
}
