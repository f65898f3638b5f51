using Containers.Runtime.Launch;
using Containers.Runtime.Spec;
using Containers.Runtime.State;

namespace Containers.Runtime.Tests;

/// <summary>exec: a new process joins a running container's namespaces, cgroup and security settings.</summary>
public sealed class ExecTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    private string StartSleeper(Action<TestBundle>? configure = null)
    {
        var b = f.Bundle("sleep", "1000");
        b.Spec.Hostname = "exec-box";
        configure?.Invoke(b);
        b.Save();
        var (id, _, _) = f.Create(b);
        f.Runtime.Start(id);
        return id;
    }

    [Fact]
    public void ExecJoinsTheContainersNamespacesAndCgroup()
    {
        string id = StartSleeper();
        var cli = f.Cli("exec", "--env", "FOO=bar", "--cwd", "/dev", id, "sh", "-c",
            "echo foo=$FOO cwd=$(pwd) host=$(hostname); ps -o pid,args | grep '^ *1 '; ls /proc | grep -c '^[0-9]'; exit 4");
        Assert.Equal(4, cli.ExitCode);
        var lines = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("foo=bar cwd=/dev host=exec-box", lines[0]);
        Assert.Equal("1 sleep 1000", lines[1].Trim()); // the container's PID 1 is visible: same PID namespace
        Assert.InRange(int.Parse(lines[2]), 2, 6); // container processes only, not the host's
        // While it ran it was in the container's cgroup: the cgroup's process list now holds only the init again.
        Assert.Equal([f.Runtime.State(id).Pid], f.Runtime.Pids(id));
    }

    [Fact]
    public void ExecThroughTheLibraryAsAnotherUserWithTheContainersCapabilities()
    {
        string id = StartSleeper();
        var process = f.Runtime.ContainerProcess(id);
        process.Args = ["sh", "-c", "id -u; id -g; grep CapBnd /proc/self/status"];
        process.User = new UserSpec { Uid = 1000, Gid = 1000 };
        string outPath = Path.Combine(Path.GetTempPath(), $"crt-exec-{Guid.NewGuid():N}");
        try
        {
            int pid;
            using (var stdout = File.OpenHandle(outPath, FileMode.Create, FileAccess.Write))
                pid = f.Runtime.Exec(id, process, 0, (int)stdout.DangerousGetHandle(), 2);
            Assert.Equal(0, ContainerRuntime.WaitProcess(pid).ExitCode);
            Assert.Equal("1000\n1000\nCapBnd:\t0000000020000420\n", File.ReadAllText(outPath));
        }
        finally { File.Delete(outPath); }
    }

    [Fact]
    public unsafe void ExecWithATerminalGetsAPtyOfTheContainersOwnDevptsAsControllingTerminal()
    {
        string id = StartSleeper();
        var process = f.Runtime.ContainerProcess(id);
        process.Terminal = true;
        process.ConsoleSize = new ConsoleSize { Height = 30, Width = 100 };
        process.Args = ["sh", "-c", "tty; stty size; ps -o pid,tty,args | grep -c 'pts/0'"];
        string socket = Path.Combine(Path.GetTempPath(), $"crt-tty-{Guid.NewGuid():N}"[..24] + ".sock");
        using var console = Terminal.ConsoleSocket.Listen(socket);
        int pid = f.Runtime.Exec(id, process, consoleSocket: socket);
        int master = console.ReceiveMaster();
        var output = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (true) // until EIO: every holder of the slave has gone
            {
                nint n;
                fixed (byte* p = buffer) n = Containers.Interop.Libc.read(master, p, buffer.Length);
                if (n <= 0) break;
                output.AddRange(buffer.AsSpan(0, (int)n));
            }
        }
        finally { Containers.Interop.Libc.close(master); }
        Assert.Equal(0, ContainerRuntime.WaitProcess(pid).ExitCode);
        var lines = System.Text.Encoding.ASCII.GetString([.. output]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/dev/pts/0", lines[0]); // the container's devpts instance: its first pty, whatever the host's count
        Assert.Equal("30 100", lines[1]);
        Assert.True(int.Parse(lines[2]) >= 2, "the shell and ps have the pty as their controlling terminal");
    }

    [Fact]
    public async Task ExecErrorsAreClear()
    {
        string id = StartSleeper();
        var missing = Assert.Throws<ContainerStartException>(() =>
        {
            var p = f.Runtime.ContainerProcess(id);
            p.Args = ["no-such-tool"];
            f.Runtime.Exec(id, p);
        });
        Assert.Contains("\"no-such-tool\": executable file not found", missing.Message);
        f.Runtime.Kill(id, 9);
        await f.Runtime.WaitAsync(id);
        var stopped = Assert.Throws<InvalidContainerStateException>(() => f.Runtime.Exec(id, f.Runtime.ContainerProcess(id)));
        Assert.Contains("stopped", stopped.Message);
    }

    [Fact]
    public void ExecUnderTheDockerSeccompProfileIsFiltered()
    {
        string id = StartSleeper(b => b.Spec.Linux!.Seccomp = Security.DockerSeccompProfile.Create(Security.Capabilities.DockerDefault));
        var cli = f.Cli("exec", id, "sh", "-c", "grep Seccomp: /proc/self/status; unshare -U true && echo unshared || echo refused");
        Assert.Equal("Seccomp:\t2\nrefused\n", cli.Stdout);
    }
}
