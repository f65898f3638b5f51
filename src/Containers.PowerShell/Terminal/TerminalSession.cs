using System.Management.Automation;
using Containers.Api;
using Containers.Client;
using Containers.PowerShell.Base;

namespace Containers.PowerShell.Terminal;

/// <summary>
/// An interactive session with a TTY in the current console: a container's, as <c>docker attach</c> (and <c>docker run
/// -it</c>) runs one, or a new process's, as <c>docker exec -it</c> does. The terminal in raw mode, keys to the
/// process's stdin, its output straight to the console, the TTY sized like the console window (and resized with it). It
/// ends when the process ends or the user types the detach keys (the engine recognises them, Docker's ctrl-p ctrl-q by
/// default, and ends the attach).
/// </summary>
internal static class TerminalSession
{
    /// <summary>Runs the session; <paramref name="attached"/> runs once the attach is in place (docker run starts the container then).</summary>
    public static async Task RunAsync(ContainersClient client, string container, string? detachKeys, CancellationToken cancel,
        Func<CancellationToken, Task>? attached = null)
    {
        await using var attachment = await client.AttachContainerAsync(container, stdin: true, detachKeys: detachKeys, cancel: cancel);
        if (attached is not null) await attached(cancel);
        await RunAsync(attachment, (width, height, done) => client.ResizeContainerTtyAsync(container, width, height, done), cancel);
    }

    /// <summary>
    /// A session with a new process in the container (<c>docker exec -it</c>): <paramref name="request"/> made interactive
    /// with a TTY of the console's size, started attached; returns the exec instance as it is once the session is over
    /// (the process ended, or the detach keys left it running).
    /// </summary>
    public static async Task<ExecInspect> RunExecAsync(ContainersClient client, string container, ExecCreateRequest request, CancellationToken cancel)
    {
        request.Tty = request.AttachStdin = request.AttachStdout = request.AttachStderr = true;
        request.ConsoleSize = [(uint)Console.WindowHeight, (uint)Console.WindowWidth];
        var exec = await client.CreateExecAsync(container, request, cancel);
        await using var attachment = await client.StartExecAsync(exec, tty: true, cancel);
        await RunAsync(attachment, (width, height, done) => client.ResizeExecTtyAsync(exec, width, height, done), cancel);
        return await ContainerOutput.EndedExecAsync(client, exec, TimeSpan.FromSeconds(1), cancel);
    }

    /// <summary>
    /// True when the console can hold a session; otherwise writes the cmdlet's NoTerminal error for <paramref name="target"/>
    /// (stdin or stdout is redirected) and returns false.
    /// </summary>
    public static bool Available(PSCmdlet cmdlet, object target)
    {
        if (RawTerminal.IsAvailable) return true;
        cmdlet.WriteError(new ErrorRecord(new InvalidOperationException($"{cmdlet.MyInvocation.MyCommand.Name} needs a terminal: stdin and stdout must not be redirected."),
            "NoTerminal", ErrorCategory.DeviceError, target));
        return false;
    }

    /// <summary>The session over a hijacked connection; <paramref name="resize"/> sizes the TTY at the other end.</summary>
    private static async Task RunAsync(ContainerAttachment attachment, Func<int, int, CancellationToken, Task> resize, CancellationToken cancel)
    {
        using var raw = new RawTerminal();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Keys are read on their own thread: read(2) on the terminal blocks, and the pipeline thread pumps the output.
        var input = Task.Factory.StartNew(() => PumpInput(resize, attachment.Stream, done.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var console = Console.OpenStandardOutput();
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await attachment.Stream.ReadAsync(buffer, done.Token)) > 0)
            {
                console.Write(buffer, 0, n);
                console.Flush();
            }
        }
        catch (IOException)
        {
            // The connection closed under the read: the attach is over.
        }
        finally
        {
            done.Cancel();
            try
            {
                await input;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or ContainersEngineException)
            {
            }
            raw.Dispose();
            // The container's last output may leave the cursor mid-line; PowerShell's prompt starts on a line of its own.
            console.Write("\r\n"u8);
            console.Flush();
        }
    }

    private static void PumpInput(Func<int, int, CancellationToken, Task> resize, Stream connection, CancellationToken done)
    {
        var buffer = new byte[4096];
        (int Width, int Height) size = default;
        while (!done.IsCancellationRequested)
        {
            var now = (Console.WindowWidth, Console.WindowHeight);
            if (now != size)
            {
                // An exec's process may not be there yet when the session starts (the engine answers 409 then): the
                // size is set again on the next turn, as the docker CLI retries it.
                try
                {
                    resize(now.Item1, now.Item2, done).GetAwaiter().GetResult();
                    size = now;
                }
                catch (ContainersConflictException)
                {
                }
            }
            int n = RawTerminal.Read(buffer, 100);
            if (n < 0) return;
            if (n > 0) connection.Write(buffer, 0, n);
        }
    }
}
