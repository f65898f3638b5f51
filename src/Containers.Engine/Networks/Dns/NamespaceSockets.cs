using System.Net;
using System.Net.Sockets;
using Containers.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containers.Engine.Networks.Dns;

/// <summary>
/// Makes sockets that live in another network namespace, through <see cref="NetworkNamespaceThread"/> (a thread that
/// enters the namespace, creates and binds them, and comes back to the engine's own namespace).
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
    /// (e.g. /proc/PID/ns/net). <paramref name="create"/> must only create, bind and listen.
    /// </summary>
    public T Create<T>(string netnsPath, Func<T> create) => NetworkNamespaceThread.Run(_ownNamespace, netnsPath, create);

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
