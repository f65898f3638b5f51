using System.Net;
using System.Net.Sockets;
using Containers.Interop;
using Microsoft.Win32.SafeHandles;
using static Containers.Interop.Libc;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// Makes sockets that live in another network namespace. A socket belongs to the namespace of the thread that created
/// it, for its whole life, whichever thread uses it later; so a dedicated OS thread (never a pool thread) joins the
/// namespace with setns(CLONE_NEWNET), creates and binds the sockets, and joins the engine's own namespace again
/// (through an fd of it kept open) before it ends. That thread runs only socket/bind/listen meanwhile: no task, no
/// logging, nothing that could start another thread, which would inherit the foreign namespace. If it cannot get back,
/// it ends anyway, and the namespace ends with it.
/// </summary>
public sealed class NamespaceSockets : IDisposable
{
    private readonly SafeFileHandle _ownNamespace;

    public NamespaceSockets()
    {
        // The main thread never leaves the engine's namespace: /proc/self/ns/net is the engine's own.
        _ownNamespace = File.OpenHandle("/proc/self/ns/net", FileMode.Open, FileAccess.Read);
    }

    /// <summary>
    /// Creates the sockets <paramref name="create"/> makes inside the network namespace at <paramref name="netnsPath"/>
    /// (e.g. /proc/PID/ns/net). <paramref name="create"/> must only create, bind and listen. The namespace file is
    /// opened by the caller's thread, so a missing one fails before any thread is started.
    /// </summary>
    public T Create<T>(string netnsPath, Func<T> create)
    {
        using var target = File.OpenHandle(netnsPath, FileMode.Open, FileAccess.Read);
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            var own = (int)_ownNamespace.DangerousGetHandle();
            if (setns((int)target.DangerousGetHandle(), CLONE_NEWNET) != 0)
            {
                failure = new SyscallException($"setns {netnsPath}", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
                return;
            }
            try { result = create(); }
            catch (Exception e) { failure = e; }
            if (setns(own, CLONE_NEWNET) != 0)
            {
                // Still in the container's namespace: never hand out what was made here; the thread just ends.
                (result as IDisposable)?.Dispose();
                failure = new SyscallException("setns back to the engine's network namespace",
                    System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
            }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "netns sockets" };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            (result as IDisposable)?.Dispose();
            throw failure;
        }
        return result!;
    }

    /// <summary>A UDP socket and a listening TCP socket bound to <paramref name="endpoint"/>, in the current namespace.</summary>
    public static BoundSockets BindUdpAndTcp(IPEndPoint endpoint)
    {
        var udp = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        Socket? tcp = null;
        try
        {
            udp.Bind(endpoint);
            tcp = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(endpoint);
            tcp.Listen(64);
            return new BoundSockets(udp, tcp);
        }
        catch
        {
            udp.Dispose();
            tcp?.Dispose();
            throw;
        }
    }

    public void Dispose() => _ownNamespace.Dispose();
}

/// <summary>A server's UDP socket and listening TCP socket on one address.</summary>
public sealed record BoundSockets(Socket Udp, Socket Tcp) : IDisposable
{
    public void Dispose()
    {
        Udp.Dispose();
        Tcp.Dispose();
    }
}
