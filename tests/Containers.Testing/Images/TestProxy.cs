using System.Collections.Concurrent;
using System.Net;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// A loopback reverse proxy in front of a real registry that records requests and can misbehave:
/// flip a byte of chosen blobs, throttle bodies, or replace a response.
/// </summary>
public sealed class TestProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _target;

    public sealed record Seen(string Method, string Path, string? Range);

    public ConcurrentQueue<Seen> Requests { get; } = new();
    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Paths whose response body gets one byte flipped.</summary>
    public Func<string, bool> Tamper { get; set; } = _ => false;
    /// <summary>Body bytes per second (0 = unthrottled).</summary>
    public int BytesPerSecond { get; set; }
    /// <summary>How many of the next requests are answered 503 before forwarding resumes.</summary>
    public int ServerErrorsToSend;
    /// <summary>Paths whose body is cut (connection aborted) after this many bytes, once per path.</summary>
    public Func<string, long?> CutAfter { get; set; } = _ => null;
    private readonly ConcurrentDictionary<string, bool> _cutDone = new();
    private int _activeBlobs;
    /// <summary>Most blob bodies that were being sent at the same time.</summary>
    public int MaxConcurrentBlobs;
    /// <summary>Replacement (content type, body) for a path, or null to forward.</summary>
    public Func<string, (string ContentType, byte[] Body)?> Override { get; set; } = _ => null;

    public TestProxy(string targetHost)
    {
        _target = targetHost;
        Port = FreePort.Get();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int CountGets(string pathContains) => Requests.Count(r => r.Method == "GET" && r.Path.Contains(pathContains, StringComparison.Ordinal));

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); } catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                try { await HandleAsync(ctx); }
                catch (Exception) { try { ctx.Response.Abort(); } catch (Exception) { } }
            });
        }
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        string path = ctx.Request.Url!.PathAndQuery;
        Requests.Enqueue(new Seen(ctx.Request.HttpMethod, path, ctx.Request.Headers["Range"]));
        if (Interlocked.Decrement(ref ServerErrorsToSend) >= 0)
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.Close();
            return;
        }
        if (Override(path) is { } replacement)
        {
            ctx.Response.ContentType = replacement.ContentType;
            ctx.Response.ContentLength64 = replacement.Body.Length;
            await ctx.Response.OutputStream.WriteAsync(replacement.Body);
            ctx.Response.Close();
            return;
        }
        using var req = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), $"http://{_target}{path}");
        foreach (var name in new[] { "Authorization", "Accept", "Range", "User-Agent" })
            if (ctx.Request.Headers.GetValues(name) is { } values)
                req.Headers.TryAddWithoutValidation(name, values);
        using var resp = await _client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        ctx.Response.StatusCode = (int)resp.StatusCode;
        foreach (var h in resp.Headers)
            if (h.Key is "WWW-Authenticate" or "Docker-Content-Digest" or "Docker-Distribution-Api-Version" or "Location")
                foreach (var v in h.Value) ctx.Response.AddHeader(h.Key, v);
        if (resp.Content.Headers.ContentType is { } ct) ctx.Response.ContentType = ct.ToString();
        if (resp.Content.Headers.ContentRange is { } cr) ctx.Response.AddHeader("Content-Range", cr.ToString());
        if (resp.Content.Headers.ContentLength is long len) ctx.Response.ContentLength64 = len;
        bool tamper = Tamper(path);
        long? cut = CutAfter(path) is long c && _cutDone.TryAdd(path, true) ? c : null;
        bool isBlob = path.Contains("/blobs/", StringComparison.Ordinal);
        if (isBlob)
        {
            int now = Interlocked.Increment(ref _activeBlobs);
            int max;
            while (now > (max = MaxConcurrentBlobs) && Interlocked.CompareExchange(ref MaxConcurrentBlobs, now, max) != max) { }
        }
        try
        {
            await using var body = await resp.Content.ReadAsStreamAsync();
            var buffer = new byte[16384];
            long offset = 0;
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                if (tamper && offset <= 100 && 100 < offset + n) buffer[100 - offset] ^= 0xff;
                if (cut is long limit && offset + n > limit)
                {
                    await ctx.Response.OutputStream.WriteAsync(buffer.AsMemory(0, (int)(limit - offset)));
                    await ctx.Response.OutputStream.FlushAsync();
                    ctx.Response.Abort(); // connection reset mid-body
                    return;
                }
                await ctx.Response.OutputStream.WriteAsync(buffer.AsMemory(0, n));
                await ctx.Response.OutputStream.FlushAsync();
                offset += n;
                if (BytesPerSecond > 0) await Task.Delay(TimeSpan.FromSeconds((double)n / BytesPerSecond));
            }
            ctx.Response.Close();
        }
        finally
        {
            if (isBlob) Interlocked.Decrement(ref _activeBlobs);
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _client.Dispose();
    }
}
