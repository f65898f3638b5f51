using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Containers.Testing;

/// <summary>
/// A Linux bridge with a /24 of its own (10.x.y.0/24, overlapping no route of the host), its gateway address and
/// network namespaces plugged into it, made with iproute2 for tests of kernel networking without the engine. Names are
/// short and unique (bridge "tb", namespaces "tn", veths "tv" + 8 hex), so parallel tests never share one; everything,
/// namespaces and the servers started in them included, is removed when disposed.
/// </summary>
public sealed class TestBridge : IDisposable
{
    private readonly List<TestNamespace> _namespaces = [];

    public string Name { get; } = UniqueName("tb");

    /// <summary>The first three octets of the subnet, e.g. "10.231.17".</summary>
    public string Prefix { get; } = FreeSubnetPrefix();

    public string Subnet => Prefix + ".0/24";

    public string Gateway => Prefix + ".1";

    public TestBridge()
    {
        ProcessRunner.Run("ip", "link", "add", Name, "type", "bridge");
        ProcessRunner.Run("ip", "addr", "add", Gateway + "/24", "dev", Name);
        ProcessRunner.Run("ip", "link", "set", Name, "up");
    }

    /// <summary>A new namespace whose eth0 is on this bridge, with the next address and the gateway as default route.</summary>
    public TestNamespace AddNamespace()
    {
        var ns = new TestNamespace(this, $"{Prefix}.{_namespaces.Count + 2}");
        _namespaces.Add(ns);
        return ns;
    }

    public void Dispose()
    {
        foreach (var ns in _namespaces) ns.Dispose();
        ProcessRunner.RunAsync("ip", ["link", "del", Name]).GetAwaiter().GetResult();
    }

    public static string UniqueName(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>A random 10.200-254.x.0/24 that no route of the host (nor any address already on it) overlaps.</summary>
    private static string FreeSubnetPrefix()
    {
        var used = ProcessRunner.Run("ip", "-4", "route", "show", "table", "all") + ProcessRunner.Run("ip", "-4", "addr");
        while (true)
        {
            var prefix = $"10.{RandomNumberGenerator.GetInt32(200, 255)}.{RandomNumberGenerator.GetInt32(0, 256)}";
            if (!used.Contains(prefix + ".", StringComparison.Ordinal)) return prefix;
        }
    }
}

/// <summary>A network namespace on a <see cref="TestBridge"/>: eth0 with <see cref="Address"/>, loopback up, default route via the gateway.</summary>
public sealed class TestNamespace : IDisposable
{
    private readonly List<Process> _servers = [];
    private readonly List<string> _roots = [];

    public string Name { get; } = TestBridge.UniqueName("tn");

    public string Address { get; }

    internal TestNamespace(TestBridge bridge, string address)
    {
        Address = address;
        var veth = TestBridge.UniqueName("tv");
        ProcessRunner.Run("ip", "netns", "add", Name);
        ProcessRunner.Run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", Name);
        ProcessRunner.Run("ip", "link", "set", veth, "master", bridge.Name, "up");
        ProcessRunner.Run("ip", "-n", Name, "addr", "add", address + "/24", "dev", "eth0");
        ProcessRunner.Run("ip", "-n", Name, "link", "set", "eth0", "up");
        ProcessRunner.Run("ip", "-n", Name, "link", "set", "lo", "up");
        ProcessRunner.Run("ip", "-n", Name, "route", "add", "default", "via", bridge.Gateway);
    }

    /// <summary>Runs a host tool inside the namespace (<c>ip netns exec</c>).</summary>
    public Task<ProcessRunner.Result> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", Name, .. args], timeout: TimeSpan.FromSeconds(30));

    /// <summary>GETs a URL from inside the namespace (curl, 2 s at most); the body, or null when it cannot be had.</summary>
    public async Task<string?> GetAsync(string url)
    {
        var result = await RunAsync("curl", "-sf", "-m", "2", url);
        return result.ExitCode == 0 ? result.Stdout : null;
    }

    /// <summary>Starts busybox httpd on <paramref name="port"/> in the namespace, serving <paramref name="body"/> as
    /// index.html; returns once it answers from the namespace itself.</summary>
    public async Task ServeAsync(int port, string body)
    {
        var root = TempDirectory.Create();
        _roots.Add(root);
        File.WriteAllText(Path.Combine(root, "index.html"), body);
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["netns", "exec", Name, "/usr/bin/busybox", "httpd", "-f", "-p", port.ToString(CultureInfo.InvariantCulture), "-h", root])
            start.ArgumentList.Add(arg);
        _servers.Add(Process.Start(start)!);
        await Poll.UntilAsync(async () => await GetAsync($"http://127.0.0.1:{port}/") == body, $"httpd on port {port} in {Name}");
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            try { server.Kill(entireProcessTree: true); server.WaitForExit(); } catch (InvalidOperationException) { }
            server.Dispose();
        }
        foreach (var root in _roots) TempDirectory.Delete(root);
        ProcessRunner.RunAsync("ip", ["netns", "del", Name]).GetAwaiter().GetResult();
    }
}
