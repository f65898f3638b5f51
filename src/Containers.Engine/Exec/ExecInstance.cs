using Containers.Api;
using Containers.Engine.Logs;

namespace Containers.Engine.Exec;

/// <summary>
/// One exec instance, kept in memory as dockerd keeps it: what <c>POST /containers/{id}/exec</c> asked for, then its
/// process once started, its PID and its exit code (kept after the process has been reaped, until the container is removed).
/// </summary>
public sealed class ExecInstance(string id, string containerId, ExecCreateRequest config, byte[]? detachKeys)
{
    public string Id { get; } = id;
    public string ContainerId { get; } = containerId;
    public ExecCreateRequest Config { get; } = config;

    /// <summary>The detach keys asked for at create (null: the default ctrl-p,ctrl-q).</summary>
    public byte[]? DetachKeys { get; } = detachKeys;

    public bool Started { get; private set; }
    public bool Running { get; private set; }
    public int? ExitCode { get; private set; }
    public int Pid { get; private set; }
    public ExecProcess? Process { get; private set; }

    /// <summary>Marks the instance started (once); false when it already was (dockerd's 409).</summary>
    public bool TryBegin()
    {
        lock (this)
        {
            if (Started) return false;
            Started = true;
            return true;
        }
    }

    public void Launched(ExecProcess process)
    {
        // A process that ends at once may have been reaped (Ended) before it is recorded here: it is not running then.
        lock (this) { Process = process; Pid = process.Pid; Running = ExitCode is null; }
    }

    public void Ended(int exitCode)
    {
        lock (this) { Running = false; ExitCode = exitCode; }
    }

    public ExecInspect View()
    {
        lock (this)
        {
            return new ExecInspect
            {
                ID = Id, Running = Running, ExitCode = ExitCode, ContainerID = ContainerId, Pid = Pid,
                OpenStdin = Config.AttachStdin, OpenStdout = Config.AttachStdout, OpenStderr = Config.AttachStderr,
                DetachKeys = DetachKeys ?? [],
                ProcessConfig = new ExecProcessConfig
                {
                    Tty = Config.Tty, Entrypoint = Config.Cmd![0], Arguments = Config.Cmd.Skip(1).ToList(),
                    Privileged = Config.Privileged, User = Config.User.Length > 0 ? Config.User : null,
                },
            };
        }
    }
}

/// <summary>An exec's streams as a hijacked connection carries them (see <see cref="IAttachedStreams"/>).</summary>
public sealed class ExecAttachment(ExecProcess process, StdinFifoWriter? input, byte[]? detachKeys) : IAttachedStreams
{
    public bool Tty => process.Tty;
    public bool HasInput => input is not null;

    /// <summary>Docker: without a TTY the client's EOF closes the process's stdin and output goes on; with one it ends the attach.</summary>
    public bool OutputOutlivesInput => !process.Tty;

    public IAsyncEnumerable<IReadOnlyList<LogEntry>> OutputAsync(CancellationToken cancel) => process.OutputAsync(cancel);

    public async Task<AttachInputEnd> CopyInputAsync(Stream client, CancellationToken cancel)
    {
        var writer = input ?? throw new InvalidOperationException("this exec has no stdin");
        try
        {
            return await ClientInput.CopyAsync(client, Tty ? new DetachKeys(detachKeys ?? Logs.DetachKeys.Default) : null,
                (bytes, c) => writer.WriteAsync(bytes, c), cancel);
        }
        finally
        {
            writer.Dispose();
        }
    }
}
