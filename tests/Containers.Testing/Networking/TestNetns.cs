using System.Net.Sockets;
using System.Runtime.InteropServices;
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
        using var target = File.OpenHandle(Path);
        Socket? socket = null;
        var error = 0;
        var thread = new Thread(() =>
        {
            if (Libc.setns((int)target.DangerousGetHandle(), Libc.CLONE_NEWNET) != 0) { error = Marshal.GetLastPInvokeError(); return; }
            socket = new Socket(AddressFamily.InterNetwork, type, protocol);
            if (Libc.setns((int)own.DangerousGetHandle(), Libc.CLONE_NEWNET) != 0) error = Marshal.GetLastPInvokeError();
        });
        thread.Start();
        thread.Join();
        if (error != 0) { socket?.Dispose(); throw new SyscallException("setns", error); }
        return socket!;
    }

    public void Dispose() => ProcessRunner.RunAsync("ip", ["netns", "delete", Name]).GetAwaiter().GetResult();
}
