namespace Containers.Testing;

/// <summary>What the host's kernel shows of an engine's networks (iproute2), and HTTP to a container's address.</summary>
public static class HostNetwork
{
    /// <summary><c>ip -o link</c>: one line per link of the host's namespace.</summary>
    public static async Task<string> LinksAsync() => await IpAsync("-o", "link");

    /// <summary><c>ip -o addr</c>: one line per address of the host's namespace.</summary>
    public static async Task<string> AddressesAsync() => await IpAsync("-o", "addr");

    /// <summary>The names of the links enslaved to <paramref name="bridge"/> (its veths).</summary>
    public static async Task<List<string>> PortsOfAsync(string bridge)
    {
        if (!Directory.Exists("/sys/class/net/" + bridge)) return [];
        var text = await IpAsync("-o", "link", "show", "master", bridge);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1].Split('@')[0]).ToList();
    }

    /// <summary>Waits until <paramref name="bridge"/> has <paramref name="count"/> veths: a stopped container's goes with its
    /// namespace, which the kernel tears down a moment after the container's last process.</summary>
    public static Task WaitForPortsAsync(string bridge, int count) =>
        Poll.UntilAsync(async () => (await PortsOfAsync(bridge)).Count == count, $"{count} veths on {bridge}");

    /// <summary>GET http://ADDRESS:PORT/PATH from the host, retried until the server answers (it may still be starting).</summary>
    public static async Task<string> GetAsync(string address, int port, string path, int seconds = 20)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try { return await http.GetStringAsync($"http://{address}:{port}/{path}"); }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
    }

    /// <summary>One GET of http://ADDRESS:PORT/PATH from the host (no proxy, 2 s at most); the body, or null when nothing answers.</summary>
    public static async Task<string?> TryGetAsync(string address, int port, string path = "")
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        try { return await http.GetStringAsync($"http://{address}:{port}/{path}"); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>A port of the host's loopback that is free now (see <see cref="Containers.Testing.FreePort"/>).</summary>
    public static int FreePort() => Containers.Testing.FreePort.Get();

    private static async Task<string> IpAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("ip", arguments, null, TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result.Stderr}");
        return result.Stdout;
    }
}
