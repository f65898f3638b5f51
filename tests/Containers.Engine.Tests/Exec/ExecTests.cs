using System.Net.Sockets;
using System.Text;
using Containers.Api;
using Containers.Client;
using Containers.Engine.Tests.Images;

namespace Containers.Engine.Tests.Exec;

/// <summary>
/// docker exec against the real engine through the real docker CLI (plus the client library and the raw protocol):
/// output, environment/user/working directory, exact exit codes, Docker's errors, -d, -i, -it under tmux, inspect,
/// events, and the exec start's body-with-upgrade on the connection.
/// </summary>
public sealed class ExecTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];
    private string Image => fixture.PlainImage;
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private Task<(int ExitCode, string Stdout, string Stderr)> Try(params string[] args) => DockerCli.RunAsync(Host, args);
    private Task<string> Docker(params string[] args) => DockerCli.RunOkAsync(Host, args);

    /// <summary>
    /// A running container with what the tests exec (the test image is a bare busybox): /tmp, a "nobody" user, and
    /// <c>false</c> and <c>touch</c> as commands of their own.
    /// </summary>
    private async Task<string> StartWebAsync()
    {
        var name = Unique("web");
        await Docker("run", "-d", "--name", name, Image, "sh", "-c",
            "mkdir -p /tmp && echo nobody:x:65534:65534:nobody:/tmp:/bin/sh >> /etc/passwd && ln -s busybox /bin/false && ln -s busybox /bin/touch"
            + " && echo ready && exec sleep 1000");
        await Poll.UntilAsync(async () => (await Docker("logs", name)).Contains("ready"), "the container to be ready");
        return name;
    }

    [Fact]
    public async Task Exec_prints_the_output_and_takes_env_workdir_and_user()
    {
        var web = await StartWebAsync();
        Assert.Equal("hi\n", await Docker("exec", web, "echo", "hi"));
        Assert.Equal("1 /tmp 65534\n", await Docker("exec", "-e", "A=1", "-w", "/tmp", "-u", "nobody", web, "sh", "-c", "echo $A $(pwd) $(id -u)"));
        var (code, stdout, stderr) = await Try("exec", web, "sh", "-c", "echo out; echo err >&2");
        Assert.Equal((0, "out\n", "err\n"), (code, stdout, stderr));
        await Docker("rm", "-f", web);
    }

    [Fact]
    public async Task Exit_codes_are_exact_and_a_missing_command_is_127_with_Dockers_message()
    {
        var web = await StartWebAsync();
        Assert.Equal(1, (await Try("exec", web, "false")).ExitCode);
        Assert.Equal(7, (await Try("exec", web, "sh", "-c", "exit 7")).ExitCode);
        var (code, stdout, _) = await Try("exec", web, "nosuch");
        Assert.Equal(127, code);
        Assert.Contains("OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH: unknown", stdout);
        Assert.Equal(126, (await Try("exec", web, "/etc/nonce")).ExitCode); // a file that is not executable
        await Docker("rm", "-f", web);
    }

    [Fact]
    public async Task Exec_into_a_stopped_or_paused_container_gets_Dockers_409_and_a_missing_one_404()
    {
        var name = Unique("stopped");
        await Docker("create", "--name", name, Image, "sleep", "100");
        var id = (await Docker("inspect", "-f", "{{.Id}}", name)).Trim();
        var (code, _, stderr) = await Try("exec", name, "echo", "hi");
        Assert.Equal(1, code);
        Assert.Contains($"Error response from daemon: container {id} is not running", stderr);
        await Docker("start", name);
        await Docker("pause", name);
        (code, _, stderr) = await Try("exec", name, "echo", "hi");
        Assert.Equal(1, code);
        Assert.Contains($"Container {name} is paused, unpause the container before exec", stderr);
        await Docker("rm", "-f", name);

        using var client = fixture.Engine.CreateClient();
        await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.InspectExecAsync("nosuch"));
        await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.CreateExecAsync(name, new ExecCreateRequest { Cmd = ["true"] }));
    }

    [Fact]
    public async Task Exec_d_runs_detached_and_exec_i_forwards_piped_stdin()
    {
        var web = await StartWebAsync();
        Assert.Equal("", await Docker("exec", "-d", web, "sh", "-c", "sleep 0.2; touch /tmp/x"));
        await Poll.UntilAsync(async () => (await Try("exec", web, "ls", "/tmp/x")).ExitCode == 0, "the detached exec's file");

        var (code, stdout, _) = await DockerCli.RunWithInputAsync(Host, "abc\ndef\n", "exec", "-i", web, "cat");
        Assert.Equal((0, "abc\ndef\n"), (code, stdout));
        (code, stdout, _) = await DockerCli.RunWithInputAsync(Host, "line\n", "exec", "-i", web, "sh", "-c", "read l; echo got $l; exit 3");
        Assert.Equal((3, "got line\n"), (code, stdout));
        await Docker("rm", "-f", web);
    }

    [Fact]
    public async Task Exec_it_is_an_interactive_shell_under_tmux()
    {
        var web = await StartWebAsync();
        var session = Unique("exectty");
        var config = TempDirectory.Create();
        try
        {
            var command = $"{DockerCli.Path} --config {config} -H {Host} exec -it {web} sh; echo EXIT=$?; sleep 60";
            await Tmux.RunAsync("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command);
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Contains("/ #"), "the shell prompt");
            await Tmux.RunAsync("send-keys", "-t", session, "tty; stty size", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Contains("/dev/pts/"), "the exec's own terminal");
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Contains("30 100"), "the terminal's size");
            await Tmux.RunAsync("send-keys", "-t", session, "echo $((6*7))", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Split('\n').Any(l => l.Trim() == "42"), "the answer 42");
            await Tmux.RunAsync("resize-window", "-t", session, "-x", "90", "-y", "25");
            await Tmux.RunAsync("send-keys", "-t", session, "stty size", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Contains("25 90"), "the resized terminal");
            await Tmux.RunAsync("send-keys", "-t", session, "exit 4", "Enter");
            await Poll.UntilAsync(async () => (await Tmux.CaptureAsync(session)).Contains("EXIT=4"), "the CLI to exit 4");
        }
        finally
        {
            await Tmux.RunAsync("kill-session", "-t", session);
            TempDirectory.Delete(config);
        }
        await Docker("rm", "-f", web);
    }

    [Fact]
    public async Task The_client_creates_starts_and_inspects_an_exec_and_the_container_lists_it_until_removed()
    {
        var web = await StartWebAsync();
        using var client = fixture.Engine.CreateClient();
        var id = await client.CreateExecAsync(web, new ExecCreateRequest { Cmd = ["sh", "-c", "echo from-exec; exit 9"], AttachStdout = true, AttachStderr = true, User = "nobody" });
        var created = await client.InspectExecAsync(id);
        Assert.Equal((false, null, 0, "sh", "nobody"), (created.Running, created.ExitCode, created.Pid, created.ProcessConfig.Entrypoint, created.ProcessConfig.User));
        Assert.Contains(id, (await client.InspectContainerAsync(web)).ExecIDs!);

        await using (var attachment = await client.StartExecAsync(id))
        {
            var lines = new List<ContainerLogLine>();
            await foreach (var line in attachment.ReadLinesAsync()) lines.Add(line);
            Assert.Equal([new ContainerLogLine(ContainerLogStream.Stdout, "from-exec")], lines);
        }
        var ended = await client.InspectExecAsync(id); // the stream ends only once the exit code is recorded
        Assert.Equal((false, 9), (ended.Running, ended.ExitCode));
        Assert.True(ended.Pid > 0);
        Assert.Null((await client.InspectContainerAsync(web)).ExecIDs);

        var sleeper = await client.CreateExecAsync(web, new ExecCreateRequest { Cmd = ["sleep", "1000"] });
        await client.StartExecDetachedAsync(sleeper);
        Assert.True((await client.InspectExecAsync(sleeper)).Running);
        await Assert.ThrowsAsync<ContainersConflictException>(() => client.StartExecDetachedAsync(sleeper)); // started once only
        await client.RemoveContainerAsync(web, force: true);
        await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.InspectExecAsync(id)); // gone with its container
    }

    [Fact]
    public async Task Exec_publishes_exec_create_start_and_die_with_the_exit_code()
    {
        var web = await StartWebAsync();
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        Assert.Equal(5, (await Try("exec", web, "sh", "-c", "exit 5")).ExitCode);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var events = await Docker("events", "--since", since.ToString(), "--until", until.ToString(), "--filter", "container=" + web,
            "--format", "{{.Action}}|{{index .Actor.Attributes \"execID\"}}|{{index .Actor.Attributes \"exitCode\"}}|{{.Actor.Attributes.name}}");
        var lines = events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("exec_")).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("exec_create: sh -c exit 5|", lines[0]);
        Assert.StartsWith("exec_start: sh -c exit 5|", lines[1]);
        Assert.StartsWith("exec_die|", lines[2]);
        var execId = lines[0].Split('|')[1];
        Assert.Equal(64, execId.Length);
        Assert.All(lines, l => Assert.Equal(execId, l.Split('|')[1]));
        Assert.Equal($"exec_die|{execId}|5|{web}", lines[2]);
        await Docker("rm", "-f", web);
    }

    [Fact]
    public async Task Exec_start_with_a_body_is_upgraded_and_other_requests_on_a_keep_alive_connection_are_untouched()
    {
        var web = await StartWebAsync();
        using var client = fixture.Engine.CreateClient();
        var id = await client.CreateExecAsync(web, new ExecCreateRequest { Cmd = ["cat"], AttachStdin = true, AttachStdout = true });

        // As the docker CLI sends it: JSON body, Content-Length and Upgrade at once, stdin right behind the body.
        using (var socket = await ConnectAsync())
        {
            var body = "{\"Detach\":false,\"Tty\":false}";
            await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.47/exec/{id}/start HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" +
                $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}piped"));
            var answer = await ReadHeadAsync(socket);
            socket.Shutdown(SocketShutdown.Send); // as the docker CLI at the end of its stdin, once the 101 has come
            answer += await ReadAllAsync(socket);
            Assert.StartsWith("HTTP/1.1 101", answer);
            Assert.EndsWith("\u0001\0\0\0\0\0\0\u0005piped", answer); // cat's output, one stdout frame
        }
        Assert.Equal(0, (await client.InspectExecAsync(id)).ExitCode);

        // Why the engine needs that: Kestrel on its own does not upgrade a request with a body (attach is left to it).
        using (var socket = await ConnectAsync())
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes($"POST /v1.47/containers/{web}/attach?stream=0&stdout=1 HTTP/1.1\r\nHost: engine\r\n" +
                "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
            Assert.StartsWith("HTTP/1.1 200", await ReadHeadAsync(socket));
        }

        // A keep-alive connection: a POST with a body and an Upgrade header to another route, then two more requests.
        using (var socket = await ConnectAsync())
        {
            var create = "{\"Name\":\"" + Unique("vol") + "\"}";
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /v1.47/volumes/create HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" +
                $"Content-Type: application/json\r\nContent-Length: {create.Length}\r\n\r\n{create}" +
                $"GET /v1.47/exec/{id}/json HTTP/1.1\r\nHost: engine\r\n\r\n" +
                "GET /_ping HTTP/1.1\r\nHost: engine\r\nConnection: close\r\n\r\n"));
            var answers = await ReadAllAsync(socket);
            Assert.Equal(["201", "200", "200"], answers.Split("HTTP/1.1 ").Skip(1).Select(a => a[..3]));
            Assert.Contains("\"ExitCode\":0", answers);
            Assert.EndsWith("2\r\nOK\r\n0\r\n\r\n", answers);
        }
        await Docker("rm", "-f", web);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(fixture.Engine.SocketPath));
        return socket;
    }

    private static async Task<string> ReadAllAsync(Socket socket)
    {
        var all = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0) all.AddRange(buffer.AsSpan(0, n));
        return Encoding.Latin1.GetString([.. all]);
    }

    /// <summary>Reads until the answer's head is complete (and whatever came with it).</summary>
    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n"))
        {
            int n = await socket.ReceiveAsync(buffer);
            if (n == 0) break;
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return text.ToString();
    }
}
