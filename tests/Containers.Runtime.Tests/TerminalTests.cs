using Containers.Runtime.Spec;
using Containers.Runtime.Terminal;
using Microsoft.Win32.SafeHandles;

namespace Containers.Runtime.Tests;

/// <summary>process.terminal with runc's --console-socket protocol: the pty master reaches the caller.</summary>
public sealed class TerminalTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    private static FileStream Open(int master) => new(new SafeFileHandle(master, ownsHandle: true), FileAccess.ReadWrite, 1);

    private static string ReadAll(FileStream stream)
    {
        var text = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0) text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }
        catch (IOException) { } // EIO: the container closed its end of the pty
        return text.ToString();
    }

    private (ConsoleSocket socket, string path) Socket()
    {
        string path = Path.Combine(f.Root, "console.sock");
        return (ConsoleSocket.Listen(path), path);
    }

    [Fact]
    public async Task TerminalIsAPtyFromTheContainersDevptsWithTheRequestedSize()
    {
        var b = f.Bundle("sh", "-c", "tty; stty size; [ -t 0 ] && echo stdin-is-tty; ls -l /dev/console | cut -c1");
        b.Spec.Process!.Terminal = true;
        b.Spec.Process.ConsoleSize = new ConsoleSize { Height = 33, Width = 111 };
        b.Save();
        var (socket, path) = Socket();
        using (socket)
        {
            var receive = Task.Run(socket.ReceiveMaster);
            string id = f.NewId();
            f.Runtime.Create(id, b.Dir, consoleSocket: path);
            int master = await receive;
            f.Runtime.Start(id);
            using var stream = Open(master);
            string output = ReadAll(stream).Replace("\r", "");
            Assert.Contains("/dev/pts/0\n33 111\nstdin-is-tty\nc\n", output);
            Assert.Equal(0, (await f.Runtime.WaitAsync(id)).ExitCode);
        }
    }

    [Fact]
    public async Task InputTypedIntoTheMasterReachesTheContainer()
    {
        var b = f.Bundle("sh", "-c", "read line; echo got:$line");
        b.Spec.Process!.Terminal = true;
        b.Save();
        var (socket, path) = Socket();
        using (socket)
        {
            var receive = Task.Run(socket.ReceiveMaster);
            string id = f.NewId();
            f.Runtime.Create(id, b.Dir, consoleSocket: path);
            int master = await receive;
            f.Runtime.Start(id);
            using var stream = Open(master);
            stream.Write("hello\n"u8);
            stream.Flush();
            Assert.Contains("got:hello", ReadAll(stream));
        }
    }

    [Fact]
    public void TerminalWithoutConsoleSocketIsAClearError()
    {
        var b = f.Bundle("true");
        b.Spec.Process!.Terminal = true;
        b.Save();
        var e = Assert.Throws<Launch.ContainerStartException>(() => f.Runtime.Create(f.NewId(), b.Dir));
        Assert.Contains("--console-socket is required", e.Message);
    }
}
