using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Logs;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// A container's output and input streams: <c>logs</c> and <c>attach</c>. Both read the log the container's shim
/// writes (json-file, or with the "none" driver a capped file in the bundle that only attach reads) and attach writes
/// stdin into the FIFO the shim reads, so neither depends on the engine having been up while the container ran.
/// </summary>
public sealed partial class ContainerService
{
    /// <summary>Which stream framing the output of a container takes and where it comes from.</summary>
    public sealed record ContainerOutput(bool Tty, IAsyncEnumerable<IReadOnlyList<LogEntry>> Batches);

    /// <summary>docker logs: the log's entries as asked; following ends when the container's current run ends.</summary>
    public ContainerOutput Logs(string idOrName, LogReadOptions options)
    {
        if (!options.Stdout && !options.Stderr) throw new InvalidParameterException("You must choose at least one stream");
        var record = store.Get(idOrName);
        if (record.Status == ContainerStatus.Removing || record.Status == ContainerStatus.Dead)
            throw new ConflictException("can not get logs from container which is dead or marked for removal");
        if (record.HostConfig.LogConfig.Type == "none") throw new FeatureNotImplementedException(LogsNotReadable);
        var stopped = options.Follow ? CurrentRunEnd(record.Id) : Task.CompletedTask;
        var path = runner.OutputLogOf(record, store.DirectoryOf(record.Id));
        return new ContainerOutput(record.Config.Tty, ContainerLogReader.ReadAsync(path, options, stopped));
    }

    /// <summary>dockerd's text for reading the logs of a container whose driver keeps none (its 501).</summary>
    private const string LogsNotReadable = "configured logging driver does not support reading";

    /// <summary>
    /// docker attach (and the attach of docker run, which comes before start): follows the container's output until its
    /// current run ends, or if it does not run, its next run (so attach, wait, start never miss a line); a failed start
    /// or the container's removal ends it too.
    /// </summary>
    public ContainerAttachment Attach(string idOrName, AttachOptions options)
    {
        var record = store.Get(idOrName);
        if (record.Status == ContainerStatus.Paused)
            throw new ConflictException($"container {idOrName} is paused, unpause the container before attach");
        if (record.Status == ContainerStatus.Restarting)
            throw new ConflictException($"container {idOrName} is restarting, wait until the container is running");
        if (options.Logs && record.HostConfig.LogConfig.Type == "none") throw new FeatureNotImplementedException(LogsNotReadable);
        var stdin = options.Stdin && record.Config.OpenStdin ? Path.Combine(runner.BundleOf(record.Id), "stdin") : null;
        var log = runner.OutputLogOf(record, store.DirectoryOf(record.Id));
        EnsureExists(log);
        var attachment = new ContainerAttachment(log, options,
            record.Config.Tty, stdin, record.Config.StdinOnce, Tracker(record.Id).AttachEnd);
        events.Publish(EventTypes.Container, "attach", record.Id, Attributes(record));
        return attachment;
    }

    /// <summary>
    /// The follower then holds the log from the start: a run that ends and is auto-removed (its directory deleted)
    /// before the follower would have found a new file loses no line. The shim appends to it (it never truncates at start).
    /// </summary>
    private static void EnsureExists(string log)
    {
        try
        {
            using var _ = new FileStream(log, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            });
        }
        catch (DirectoryNotFoundException) { } // removed meanwhile: the attach ends with nothing to follow
    }

    /// <summary>Completes when the run going on now ends; at once when the container does not run.</summary>
    private Task CurrentRunEnd(string id)
    {
        var next = Tracker(id).NextExit; // taken before the status is read: an exit in between cannot be missed
        return store.Get(id).Status.IsRunning ? next : Task.CompletedTask;
    }
}
