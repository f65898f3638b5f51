using Containers.Api;
using Containers.Engine.Archive;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Runtime.Spec;
using Containers.Snapshots;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// A container's files: the archive API behind <c>docker cp</c> (stat, tar of a path, extract a tar into a directory),
/// <c>docker diff</c> and <c>docker export</c>, on running, created and stopped containers alike. Each operation holds
/// the container's gate, as dockerd holds the container's lock (until the archive is fully read), so no start, exit or
/// removal changes the filesystem under it; a container that is not running has its snapshot mounted for the
/// operation only (see <see cref="ContainerFiles"/>).
/// </summary>
public sealed partial class ContainerService
{
    /// <summary>Where stopped containers' snapshots are mounted for an operation; leftovers of a killed engine go at first use.</summary>
    private readonly Lazy<string> _mountsDirectory = new(() => ContainerFiles.PrepareMountsDirectory(Path.Combine(settings.ExecRoot, "mounts")));

    /// <summary><c>HEAD /containers/{id}/archive</c>: Docker's stat of the path; 404 when it does not exist.</summary>
    public async Task<ContainerPathStat> StatPathAsync(string idOrName, string path)
    {
        var target = ContainerPath.Parse(RequirePath(path));
        return await WithFilesAsync(idOrName, (_, files) =>
            Task.FromResult(files.Stat(target, files.Locate(target) ?? throw FileNotFound(path, idOrName))));
    }

    /// <summary>
    /// <c>GET /containers/{id}/archive</c>: stats the path, lets <paramref name="start"/> answer with the stat and give the
    /// stream to write to, then writes the tar of the path into it.
    /// </summary>
    public Task ArchivePathAsync(string idOrName, string path, Func<ContainerPathStat, Task<Stream>> start, CancellationToken cancel)
    {
        var target = ContainerPath.Parse(RequirePath(path));
        return WithFilesAsync(idOrName, async (record, files) =>
        {
            var hostPath = files.Locate(target) ?? throw FileNotFound(path, idOrName);
            var stat = files.Stat(target, hostPath);
            var output = await start(stat);
            events.Publish(EventTypes.Container, "archive-path", record.Id, Attributes(record));
            await ArchiveWriter.WriteAsync(files.Root, hostPath, target.BaseName, output, cancel);
            return true;
        });
    }

    /// <summary>
    /// <c>PUT /containers/{id}/archive</c>: extracts <paramref name="tar"/> into the directory <paramref name="path"/> names
    /// (symlinks followed in the container's scope). With <paramref name="copyUidGid"/> and a container user, everything
    /// is owned by that user, as dockerd does; otherwise the tar's owners are kept.
    /// </summary>
    public Task ExtractToDirectoryAsync(string idOrName, string path, bool copyUidGid, bool noOverwriteDirNonDir, Stream tar, CancellationToken cancel)
    {
        var target = ContainerPath.Parse(RequirePath(path));
        return WithFilesAsync(idOrName, async (record, files) =>
        {
            var destination = files.LocateDirectory(target);
            if (destination is null)
            {
                if (files.Locate(target) is null && ScopedPath.TryResolve(files.Root, target.Components) is null) throw FileNotFound(path, idOrName);
                throw new InvalidParameterException("extraction point is not a directory");
            }
            // As dockerd: a directory in a volume or bind takes its mode, anything else the rootfs's.
            var inside = files.ContainerAbsolute(destination);
            var volume = record.Mounts.Where(m => m.Point.Type is "volume" or "bind")
                .Where(m => inside == m.Point.Destination.TrimEnd('/') || inside.StartsWith(m.Point.Destination.TrimEnd('/') + "/", StringComparison.Ordinal))
                .MaxBy(m => m.Point.Destination.TrimEnd('/').Length);
            if (volume is { Point.RW: false }) throw new ForbiddenException("mounted volume is marked read-only");
            if (volume is null && record.HostConfig.ReadonlyRootfs) throw new ForbiddenException("container rootfs is marked read-only");
            (int, int)? owner = null;
            if (copyUidGid && record.Config.User is { Length: > 0 } user)
            {
                try
                {
                    var resolved = UserResolver.Resolve(files.Root, user);
                    owner = ((int)resolved.Uid, (int)resolved.Gid);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidParameterException(e.Message);
                }
            }
            await new ArchiveExtractor(files, destination, noOverwriteDirNonDir, owner).ExtractAsync(tar, cancel);
            events.Publish(EventTypes.Container, "extract-to-dir", record.Id, Attributes(record));
            return true;
        });
    }

    /// <summary><c>GET /containers/{id}/export</c>: the merged root filesystem as a tar, written to what <paramref name="start"/> gives.</summary>
    public Task ExportAsync(string idOrName, Func<Task<Stream>> start, CancellationToken cancel) =>
        WithFilesAsync(idOrName, async (record, files) =>
        {
            var output = await start();
            await ArchiveWriter.WriteAsync(files.Root, files.Root, baseName: null, output, cancel);
            events.Publish(EventTypes.Container, "export", record.Id, Attributes(record));
            return true;
        }, withVolumes: false);

    /// <summary><c>GET /containers/{id}/changes</c>: what the container changed on top of its image (see <see cref="ContainerChanges"/>).</summary>
    public async Task<List<ContainerChange>> ChangesAsync(string idOrName)
    {
        var record = store.Get(idOrName);
        using (await Tracker(record.Id).LockAsync())
        {
            record = store.Get(record.Id);
            if (snapshots is not OverlaySnapshotter overlay)
            {
                // A full copy per snapshot: compare the container's tree with its image's.
                var parent = snapshots.Stat(record.Id).Parent;
                return ContainerChanges.FromCopies(snapshots.Mounts(record.Id)[0].Source, parent is null ? null : snapshots.Mounts(parent)[0].Source);
            }
            var lowers = snapshots.Mounts(record.Id)
                .Where(m => m.Type == "overlay")
                .SelectMany(m => m.Options.Where(o => o.StartsWith("lowerdir=", StringComparison.Ordinal))
                    .SelectMany(o => o["lowerdir=".Length..].Split(':')).Select(l => Path.Combine(m.WorkingDirectory ?? "", l)))
                .ToList();
            return ContainerChanges.FromOverlay(overlay.UpperDirectory(record.Id), lowers);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the container's files under its gate, with its volumes and binds unless
    /// <paramref name="withVolumes"/> is false (export: the root filesystem only, as dockerd); the temporary mount goes
    /// when it ends.
    /// </summary>
    private async Task<T> WithFilesAsync<T>(string idOrName, Func<ContainerRecord, ContainerFiles, Task<T>> work, bool withVolumes = true)
    {
        var record = store.Get(idOrName);
        using (await Tracker(record.Id).LockAsync())
        {
            record = store.Get(record.Id);
            var running = record.Status.IsRunning ? runner.MountedRootfs(record.Id) : null;
            using var files = ContainerFiles.Open(running, running is null ? snapshots.Mounts(record.Id) : [], _mountsDirectory.Value, withVolumes ? record.Mounts : null);
            return await work(record, files);
        }
    }

    private static string RequirePath(string? path) =>
        string.IsNullOrEmpty(path) ? throw new InvalidParameterException("bad parameter: path cannot be empty") : path;

    /// <summary>Docker's words for a path the container does not have.</summary>
    private static NotFoundException FileNotFound(string path, string container) => new($"Could not find the file {path} in container {container}");
}
