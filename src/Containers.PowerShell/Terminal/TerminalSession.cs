using Containers.Client;

namespace Containers.PowerShell.Terminal;

/// <summary>
/// An interactive session with a container's TTY in the current console, as <c>docker attach</c> (and <c>docker run
/// -it</c>) runs one: the terminal in raw mode, keys to the container's stdin, its output straight to the console, the
/// container's TTY sized like the console window (and resized with it). It ends when the container's run ends or the
/// user types the detach keys (the engine recognises them, Docker's ctrl-p ctrl-q by default, and ends the attach).
/// </summary>
internal static class TerminalSession
{
    /// <summary>Runs the session; <paramref name="attached"/> runs once the attach is in place (docker run starts the container then).</summary>
    public static async Task RunAsync(ContainersClient client, string container, string? detachKeys, CancellationToken cancel,
        Func<CancellationToken, Task>? attached = null)
    {
        await using var attachment = await client.AttachContainerAsync(container, stdin: true, detachKeys: detachKeys, cancel: cancel);
        if (attached is not null) await attached(cancel);
        using var raw = new RawTerminal();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Keys are read on their own thread: read(2) on the terminal blocks, and the pipeline thread pumps the output.
        var input = Task.Factory.StartNew(() => PumpInput(client, container, attachment.Stream, done.Token),
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

    private static void PumpInput(ContainersClient client, string container, Stream connection, CancellationToken done)
    {
        var buffer = new byte[4096];
        (int Width, int Height) size = default;
        while (!done.IsCancellationRequested)
        {
            var now = (Console.WindowWidth, Console.WindowHeight);
            if (now != size)
            {
                size = now;
                client.ResizeContainerTtyAsync(container, size.Width, size.Height, done).GetAwaiter().GetResult();
            }
            int n = RawTerminal.Read(buffer, 100);
            if (n < 0) return;
            if (n > 0) connection.Write(buffer, 0, n);
        }
    }
}
