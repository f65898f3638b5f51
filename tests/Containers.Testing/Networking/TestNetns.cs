using System.Net.Sockets;
using Containers.Interop;

namespace Containers.Testing.Networking;

/// <summary>
/// A network namespace of the test's own (<c>ip netns add</c> with a unique name, loopback up), removed on dispose.
/// Only loopback exists in it: traffic a test sends there never leaves the machine.
/// </summary>
public sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = "ctdns" + Guid.NewGuid().ToString("N")[..10];
        ProcessRunner.Run("ip", "netns", "add", Name);
        ProcessRunner.Run("ip", "-n", Name, "link", "set", "lo", "up");
    }

    public string Name { get; }
    public string Path => "/run/netns/" + Name;

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>); its exit code and output.</summary>
    public Task<ProcessRunner.Result> ExecAsync(params string[] command) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", Name, .. command], timeout: TimeSpan.FromMinutes(1));

    /// <summary>
    /// A socket created inside the namespace (by a thread that enters it and leaves again), for the test to use
    /// from anywhere: what a process in the namespace would connect from.
    /// </summary>
    public Socket CreateSocket(SocketType type, ProtocolType protocol)
    {
        using var own = File.OpenHandle("/proc/self/ns/net");
        return NetworkNamespaceThread.Run(own, Path, () => new Socket(AddressFamily.InterNetwork, type, protocol));
    }

    public void Dispose() => ProcessRunner.RunAsync("ip", ["netns", "delete", Name]).GetAwaiter().GetResult();
}
