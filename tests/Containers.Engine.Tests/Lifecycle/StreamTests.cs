using System.Net.Sockets;
using System.Text;
using Containers.Client;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// Logs and attach against the real engine beyond what the docker CLI flows in <see cref="RunTests"/> cover: the
/// client library's logs, the raw hijack as an SDK speaks it (101, framing, the client's half-close), Docker's errors,
/// and clients that vanish mid-attach.
/// </summary>
public sealed class StreamTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    private Task<string> Docker(params string[] args) => DockerCli.RunOkAsync(Host, args);
    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)];

    [Fact]
    public async Task The_client_reads_logs_as_lines_per_stream_with_tail_and_follow()
    {
        var name = Unique("clientlogs");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c", "echo one; echo two; echo err >&2; printf 'no newline'; sleep 1; echo late");
        using var client = new ContainersClient(fixture.Engine.Endpoint);
        var followed = new List<ContainerLogLine>();
        await foreach (var line in client.GetContainerLogsAsync(name, follow: true)) followed.Add(line);
        Assert.Equal(["one", "two", "no newlinelate"], followed.Where(l => l.Stream == ContainerLogStream.Stdout).Select(l => l.Line));
        Assert.Equal(["err"], followed.Where(l => l.Stream == ContainerLogStream.Stderr).Select(l => l.Line));

        var last = new List<ContainerLogLine>();
        await foreach (var line in client.GetContainerLogsAsync(name, stderr: false, tail: 1)) last.Add(line);
        Assert.Equal([new ContainerLogLine(ContainerLogStream.Stdout, "no newlinelate")], last); // one line, written in two pieces
        await Docker("rm", name);
    }

    [Fact]
    public async Task Logs_of_the_none_driver_and_attach_to_a_paused_or_missing_container_give_Dockers_errors()
    {
        var name = Unique("nolog");
        var (code, stdout, _) = await DockerCli.RunAsync(Host, "run", "--name", name, "--log-driver", "none", Image, "echo", "still attached");
        Assert.Equal((0, "still attached\n"), (code, stdout)); // attach works without a log driver that keeps logs
        var logs = await DockerCli.RunAsync(Host, "logs", name);
        Assert.Equal(1, logs.ExitCode);
        Assert.Contains("configured logging driver does not support reading", logs.Stderr);
        await Docker("rm", name);

        var (_, head) = await RawAttachAsync("nosuch" + Unique(""), "stream=1&stdout=1");
        Assert.StartsWith("HTTP/1.1 404", head);

        name = Unique("paused");
        await Docker("run", "-d", "--name", name, Image, "sleep", "100");
        await Docker("pause", name);
        (_, head) = await RawAttachAsync(name, "stream=1&stdout=1");
        Assert.StartsWith("HTTP/1.1 409", head);
        Assert.Contains("is paused, unpause the container before attach", head);
        await Docker("rm", "-f", name);
    }

    [Fact]
    public async Task A_raw_hijack_gets_101_and_framed_output_after_half_closing_until_the_container_stops()
    {
        var name = Unique("raw");
        await Docker("create", "--name", name, Image, "sh", "-c", "sleep 1; echo out; echo err >&2");
        var attach = RawAttachAsync(name, "stream=1&stdout=1&stderr=1");
        await Task.Delay(300);
        await Docker("start", name);
        var (body, head) = await attach.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Contains("Upgrade: tcp", head);
        Assert.Contains("Content-Type: application/vnd.docker.multiplexed-stream", head);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 4, (byte)'o', (byte)'u', (byte)'t', (byte)'\n', 2, 0, 0, 0, 0, 0, 0, 4, (byte)'e', (byte)'r', (byte)'r', (byte)'\n' }, body);
        await Docker("rm", name);
    }

    [Fact]
    public async Task Clients_that_vanish_mid_attach_leave_no_descriptor_and_the_engine_answers()
    {
        var name = Unique("vanish");
        await Docker("run", "-d", "-i", "--name", name, Image, "sh", "-c", "while true; do echo tick; sleep 0.1; done");
        await Task.Delay(300);
        int before = Directory.GetFiles($"/proc/{fixture.Engine.Pid}/fd").Length;
        for (int i = 0; i < 10; i++)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath));
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"POST /v1.47/containers/{name}/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nin"));
            await socket.ReceiveAsync(new byte[4096]);
            socket.Close(); // gone without a word, mid-stream
        }
        // The followers notice at their next write (the container prints every 100 ms).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.GetFiles($"/proc/{fixture.Engine.Pid}/fd").Length > before + 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.InRange(Directory.GetFiles($"/proc/{fixture.Engine.Pid}/fd").Length, 0, before + 2);
        Assert.Contains("tick", await Docker("logs", "--tail", "1", name));
        await Docker("rm", "-f", name);
    }

    /// <summary>
    /// The attach request as SDKs send it over the engine's socket, our write side shut once the answer's head has come,
    /// as the docker CLI does when it has no stdin; the whole answer as text and the body bytes after its head, read
    /// until the engine closes the connection.
    /// </summary>
    private async Task<(byte[] Body, string Text)> RawAttachAsync(string container, string query)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath));
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1.47/containers/{container}/attach?{query} HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));
        var all = new List<byte>();
        var buffer = new byte[4096];
        int n;
        bool shut = false;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n));
            if (shut || !Encoding.ASCII.GetString([.. all]).Contains("\r\n\r\n")) continue;
            socket.Shutdown(SocketShutdown.Send);
            shut = true;
        }
        var text = Encoding.ASCII.GetString([.. all]);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (all.Skip(end < 0 ? all.Count : end + 4).ToArray(), text);
    }
}
