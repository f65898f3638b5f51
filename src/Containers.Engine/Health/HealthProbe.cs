using System.Text;
using Containers.Api;
using Containers.Engine.Lifecycle;
using Containers.Runtime;
using static Containers.Interop.Libc;

namespace Containers.Engine.Health;

/// <summary>
/// One run of a health check: the command is started inside the running container (its namespaces, cgroup, user,
/// environment and working directory, as an exec), its stdout and stderr are read together up to 4 KiB (Docker keeps no
/// more; "..." marks a cut), and it is killed when it outlives the timeout. A probe that cannot be started or times out
/// is a failure with exit code -1 and the reason as its output, as in Docker.
/// </summary>
public static class HealthProbe
{
    private const int MaxOutput = 4096;

    /// <summary>How long the output is still read after the probe exited (a child it left may hold the pipe open).</summary>
    private const int DrainMilliseconds = 100;

    /// <summary>Runs the probe; cancelled (the monitor stops) it kills the probe and throws.</summary>
    public static async Task<HealthcheckResult> RunAsync(ContainerRuntime runtime, string id, HealthCheck check, CancellationToken cancel)
    {
        var start = DateTimeOffset.UtcNow;
        HealthcheckResult Result(int exitCode, string output) => new()
        {
            Start = ContainerViews.Rfc3339(start), End = ContainerViews.Rfc3339(DateTimeOffset.UtcNow), ExitCode = exitCode, Output = output,
        };

        int pid, output;
        try
        {
            (pid, output) = Start(runtime, id, check.Command);
        }
        catch (Exception e)
        {
            return Result(-1, e.Message);
        }
        var exited = Task.Factory.StartNew(() => ContainerRuntime.WaitProcess(pid).ExitCode,
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var read = Task.Factory.StartNew(() => ReadOutput(output, exited),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool timedOut;
        try
        {
            timedOut = await Task.WhenAny(exited, Task.Delay(check.Timeout, cancel)) != exited;
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        if (timedOut) kill(pid, 9); // no probe outlives its timeout or the monitor
        var exitCode = await exited;
        var text = await read;
        cancel.ThrowIfCancellationRequested();
        if (!timedOut) return Result(exitCode, text);
        var limit = HealthCheck.GoDuration(check.Timeout);
        return Result(-1, text.Length == 0 ? $"Health check exceeded timeout ({limit})" : $"Health check exceeded timeout ({limit}): {text}");
    }

    /// <summary>Starts the command with stdin from /dev/null and stdout and stderr into one pipe; returns its PID and the pipe's read end.</summary>
    private static unsafe (int Pid, int Output) Start(ContainerRuntime runtime, string id, IReadOnlyList<string> command)
    {
        var process = runtime.ContainerProcess(id);
        process.Args = [.. command];
        process.Terminal = false;
        process.ConsoleSize = null;
        int* fds = stackalloc int[2];
        Check(pipe2(fds, O_CLOEXEC), "pipe2");
        int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
        try
        {
            Check(devNull, "open /dev/null");
            return (runtime.Exec(id, process, devNull, fds[1], fds[1]), fds[0]);
        }
        catch
        {
            close(fds[0]);
            throw;
        }
        finally
        {
            close(fds[1]);
            if (devNull >= 0) close(devNull);
        }
    }

    /// <summary>Reads the pipe until it ends, or until the probe has exited and nothing came for a moment; closes it.</summary>
    private static unsafe string ReadOutput(int fd, Task exited)
    {
        var kept = new byte[MaxOutput];
        int length = 0;
        bool cut = false;
        byte* chunk = stackalloc byte[4096];
        int* poller = stackalloc int[2];
        try
        {
            while (true)
            {
                poller[0] = fd;
                poller[1] = POLLIN; // events in the low half, revents (cleared by the kernel) in the high half
                int ready = poll(poller, 1, DrainMilliseconds);
                if (ready < 0 && Errno == EINTR) continue;
                if (ready == 0 && !exited.IsCompleted) continue;
                if (ready <= 0) break;
                nint n = read(fd, chunk, 4096);
                if (n < 0 && Errno == EINTR) continue;
                if (n <= 0) break;
                int take = (int)Math.Min(n, MaxOutput - length);
                new ReadOnlySpan<byte>(chunk, take).CopyTo(kept.AsSpan(length));
                length += take;
                cut |= take < n;
            }
        }
        finally
        {
            close(fd);
        }
        var text = Encoding.UTF8.GetString(kept, 0, length);
        return cut ? text + "..." : text;
    }
}
