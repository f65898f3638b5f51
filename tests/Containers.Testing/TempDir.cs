
namespace Containers.Testing;

/// <summary>The image tests' name for <see cref="TempDirectory"/>.</summary>
public sealed class TempDir : TempDirectory;

/// <summary>
/// A TCP port on loopback that nothing holds right now, taken from below the kernel's ephemeral range: engines (as
/// dockerd) pick published host ports in that range, and a port of a SIGKILLed engine is free there until it comes back,
/// so a test's port from bind(0) could be the one an engine it runs beside hands out or takes again.
/// </summary>
public static class FreePort
{
    private const int First = 20000, Last = 32767;

    public static int Get()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last + 1);
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
                System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
                return port;
            }
            catch (System.Net.Sockets.SocketException) { }
        }
        throw new InvalidOperationException($"no free port on loopback between {First} and {Last}");
    }
}
