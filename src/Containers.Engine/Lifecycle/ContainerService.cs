using Containers.Api;
using Containers.Engine.Archive;
using Containers.Engine.Errors;
using Containers.Engine.Configuration;
using Containers.Engine.Events;
using Containers.Engine.Filtering;
using Containers.Engine.Hosting;
using Containers.Engine.Images;
using Containers.Engine.Networks;
using Containers.Engine.Volumes;
using Containers.Snapshots;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// The containers backend of the API: creating, listing, inspecting, renaming and removing containers. Records live in
/// the <see cref="ContainerStore"/>, a read-write snapshot per container on top of its image's layers, and the
/// container's own files (hostname, hosts, resolv.conf) beside its record. Running them is in ContainerService.Running.cs,
/// their networks (<see cref="ContainerNetworking"/>) in ContainerService.Networks.cs.
/// </summary>
public sealed partial class ContainerService(ContainerStore store, ImageService images, Snapshotter snapshots, ContainerRunner runner,
    ContainerNetworking networking, VolumeService volumes, EngineSettings settings, EventBus events, int hostCpus, ILogger log)
{
    private readonly CancellationTokenSource _stopping = new();

    public static readonly string[] PruneFilterKeys = ["label"];

    /// <summary>As dockerd for a client before API 1.44: ReadOnlyNonRecursive is not its field yet (ignored), ReadOnlyForceRecursive a 400.</summary>
    private static void OlderClientBindOptions(HostConfig? host)
    {
        foreach (var options in (host?.Mounts ?? []).Select(m => m.BindOptions).OfType<MountBindOptions>())
        {
            options.ReadOnlyNonRecursive = false;
            if (options.ReadOnlyForceRecursive) throw new InvalidParameterException("BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer");
        }
    }

    /// <param name="readOnlyBindsNonRecursive">An API client before 1.44 (as dockerd): its read-only binds are read-only at the top only.</param>
    public ContainerCreateResponse Create(ContainerCreateRequest request, string? name, bool readOnlyBindsNonRecursive = false)
    {
        if (readOnlyBindsNonRecursive) OlderClientBindOptions(request.HostConfig);
        var warnings = CreateRequestValidator.Validate(request, hostCpus);
        store.CheckNameFree(name); // as dockerd reserves the name first: a taken one makes no volume
        var image = images.Resolve(request.Image!);
        var id = ContainerStore.NewId();
        var (config, path, args) = ContainerConfigMerger.Merge(request, image.Config.Config, request.Image!, id);
        var host = request.HostConfig ?? new HostConfig();
        if (host.NetworkMode.Length == 0) host.NetworkMode = "default";
        // As dockerd: in host mode the container is named as the host unless told otherwise.
        if (host.NetworkMode == "host" && string.IsNullOrEmpty(request.Hostname)) config.Hostname = Environment.MachineName;
        Resources.ResourceRules.ApplyCreateDefaults(host);
        // As dockerd: the container's own log-opts win; the daemon's driver and options fill what it left empty.
        if (host.LogConfig.Type.Length == 0)
        {
            var options = new Dictionary<string, string>(settings.LogOpts);
            foreach (var (key, value) in host.LogConfig.Config) options[key] = value;
            host.LogConfig = new LogConfig { Type = settings.LogDriver, Config = options };
        }
        LogOptions.Parse(host.LogConfig); // the daemon's and the container's log-opts are checked before anything is made
        foreach (var entry in host.ExtraHosts ?? []) HostsFile.ParseExtraHost(entry);
        var attached = networking.AtCreate(host, request.NetworkingConfig, request.MacAddress);
        var mounts = ContainerMounts.Resolve(host, config.Volumes?.Keys ?? Enumerable.Empty<string>(), other => store.Get(other).Mounts, volumes);
        if (readOnlyBindsNonRecursive)
            foreach (var m in mounts.Where(m => m.Point.Type == "bind" && !m.Point.RW))
                m.BindOptions = new MountBindOptions { Propagation = m.BindOptions?.Propagation ?? "", NonRecursive = m.BindOptions?.NonRecursive == true, ReadOnlyNonRecursive = true };

        var record = AddRecord(new ContainerRecord
        {
            Id = id, Created = DateTimeOffset.UtcNow, ImageName = request.Image!, ImageId = image.Id,
            Path = path, Args = args, Config = config, HostConfig = host, Mounts = mounts,
            NetworkSettings = new NetworkSettings { Networks = attached }, Attachments = EndpointView.AttachmentsOf(attached),
        }, name, image.Layers.LastOrDefault()?.ChainId);
        CrashPoint.Reach("create-recorded");
        events.Publish(EventTypes.Container, "create", id, Attributes(record));
        return new ContainerCreateResponse { Id = id, Warnings = warnings };
    }

    /// <summary>Records a new container with its snapshot and files; if that fails, the anonymous volumes made for it go.</summary>
    private ContainerRecord AddRecord(ContainerRecord record, string? name, string? parentChainId)
    {
        try
        {
            return store.Add(record, name, prepare: r =>
            {
                try
                {
                    snapshots.Prepare(r.Id, parentChainId);
                    FillVolumes(r);
                    CrashPoint.Reach("create-prepared");
                    WriteContainerFiles(r);
                    runner.PrepareOutput(r);
                }
                catch
                {
                    if (snapshots.Exists(r.Id)) snapshots.Remove(r.Id);
                    throw;
                }
            });
        }
        catch
        {
            ContainerMounts.RemoveAnonymous(record.Mounts, volumes);
            throw;
        }
    }

    /// <summary>
    /// dockerd's copy-up, at create: each volume still empty gets the image's content at its destination (unless
    /// <c>nocopy</c>), read from a temporary mount of the new snapshot; so a container only created (a data container
    /// for <c>--volumes-from</c>) already holds it, and a volume emptied later is not filled again at a start.
    /// </summary>
    private void FillVolumes(ContainerRecord record)
    {
        if (!record.Mounts.Any(m => m.Point.Type == "volume")) return;
        using var files = ContainerFiles.Open(null, snapshots.Mounts(record.Id), _mountsDirectory.Value);
        // A volume with driver options is mounted for the copy and released after it, as dockerd's populate does.
        var reference = "create-" + record.Id;
        try { VolumeCopyUp.Fill(record.Mounts, files.Root, m => volumes.Mounts.Acquire(reference, [m.Point.Name!])); }
        catch (SystemFailureException e) { throw new SystemFailureException("failed to populate volume: " + e.Message); }
        finally { volumes.Mounts.Release(reference); }
    }

    /// <summary><c>GET /containers/json</c>: running ones unless <paramref name="all"/> (or a limit, or filters for stopped ones).</summary>
    public List<ContainerSummary> List(bool all, int? limit, FilterArgs filters)
    {
        var filter = ContainerListFilter.From(filters, store.Get);
        all = all || limit is not null || filter.ImpliesAll;
        var now = DateTimeOffset.UtcNow;
        return store.List()
            .Where(c => all || c.Status.IsRunning)
            .Where(filter.Matches)
            .Take(limit ?? int.MaxValue)
            .Select(c => ContainerViews.Summary(c, now)).ToList();
    }

    public ContainerInspect Inspect(string idOrName)
    {
        var record = store.Get(idOrName);
        var view = ContainerViews.Inspect(record, store.DirectoryOf(record.Id), snapshots.Driver);
        view.ExecIDs = ExecIdsOf(record.Id);
        view.NetworkSettings = EndpointView.Inspect(record, networking.Bridges.DefaultBridge);
        return view;
    }

    /// <summary>Counts for <c>/info</c>.</summary>
    public (int Total, int Running, int Paused, int Stopped) Counts()
    {
        var all = store.List();
        var running = all.Count(c => c.Status == ContainerStatus.Running);
        var paused = all.Count(c => c.Status == ContainerStatus.Paused);
        return (all.Count, running, paused, all.Count - running - paused);
    }

    public void Rename(string idOrName, string newName)
    {
        var record = store.Get(idOrName);
        var oldName = record.Name;
        store.Rename(record.Id, newName);
        events.Publish(EventTypes.Container, "rename", record.Id, new Dictionary<string, string>(Attributes(record)) { ["oldName"] = "/" + oldName });
    }

    /// <summary>docker rm; with <paramref name="force"/> a running container is killed first, with
    /// <paramref name="removeVolumes"/> (<c>-v</c>) its anonymous volumes go too.</summary>
    public async Task RemoveAsync(string idOrName, bool force, bool removeVolumes = false)
    {
        var record = store.Get(idOrName);
        var tracker = Tracker(record.Id);
        if (force && (record.Status == ContainerStatus.Running || record.Status == ContainerStatus.Paused))
        {
            var exited = tracker.NextExit;
            try { await KillAsync(record.Id, "SIGKILL"); }
            catch (ConflictException) { } // it ended meanwhile
            await exited;
        }
        using (await tracker.LockAsync())
        {
            if (store.TryGet(record.Id) is not { } current) return; // auto-removed as it exited
            if (current.Status == ContainerStatus.Restarting && force) CancelPendingRestart(tracker);
            else if (!current.Status.CanRemove)
                throw new ConflictException($"cannot remove container \"/{current.Name}\": container is {current.Status}: stop the container before removing or force remove");
            RemoveLocked(current, removeVolumes);
        }
    }

    /// <summary>Removes a stopped container's run leftovers, snapshot, files and record, and with
    /// <paramref name="removeVolumes"/> its anonymous volumes (before its destroy event, as dockerd); called under its gate.</summary>
    private void RemoveLocked(ContainerRecord record, bool removeVolumes)
    {
        StopHealthMonitor(record.Id);
        runner.Cleanup(record.Id);
        networking.DetachAll(record.Id);
        CrashPoint.Reach("rm-cleaned");
        runner.RemoveOutput(record.Id);
        // The record goes first: a crash before the snapshot's removal leaves an orphan that RestoreAsync removes,
        // never a container without its filesystem.
        store.Remove(record.Id);
        CrashPoint.Reach("rm-unrecorded");
        if (snapshots.Exists(record.Id)) snapshots.Remove(record.Id);
        ForgetExecs(record.Id);
        if (removeVolumes) ContainerMounts.RemoveAnonymous(record.Mounts, volumes);
        events.Publish(EventTypes.Container, "destroy", record.Id, Attributes(record));
        if (_trackers.TryRemove(record.Id, out var tracker))
        {
            tracker.EndAttaches();
            tracker.Removed.TrySetResult();
        }
    }

    /// <summary><c>POST /containers/prune</c>: removes stopped containers; every <c>label</c> filter term must match.</summary>
    public async Task<ContainersPruneResponse> PruneAsync(FilterArgs filters)
    {
        filters.Validate(PruneFilterKeys);
        var response = new ContainersPruneResponse();
        foreach (var candidate in store.List().Where(r => r.Status.IsStopped && filters.MatchKVList("label", r.Config.Labels)))
        {
            var tracker = Tracker(candidate.Id);
            using (await tracker.LockAsync())
            {
                if (store.TryGet(candidate.Id) is not { } record || !record.Status.IsStopped) continue;
                if (snapshots.Exists(record.Id)) response.SpaceReclaimed += snapshots.Usage(record.Id).Bytes;
                RemoveLocked(record, removeVolumes: false);
                response.ContainersDeleted.Add(record.Id);
            }
        }
        events.Publish(EventTypes.Container, "prune", "", new Dictionary<string, string> { ["reclaimed"] = response.SpaceReclaimed.ToString() });
        return response;
    }

    /// <summary>/etc/hostname, /etc/hosts and /etc/resolv.conf as the container will see them (bind-mounted at start).</summary>
    private void WriteContainerFiles(ContainerRecord record)
    {
        var dir = store.DirectoryOf(record.Id);
        File.WriteAllText(Path.Combine(dir, "hostname"), record.Config.Hostname + "\n");
        WriteHostsFile(record);
        WriteResolvConf(record);
    }

    /// <summary>/etc/resolv.conf from the engine's resolv.conf (the resolv-conf setting), at create and at each start.
    /// The networks decide whether it names the embedded DNS: the container's own, or with <c>container:X</c> X's, whose
    /// namespace (and resolver) it shares.</summary>
    private void WriteResolvConf(ContainerRecord record)
    {
        var mode = record.HostConfig.NetworkMode;
        var owner = NetworkModes.IsContainer(mode) ? store.TryGet(mode[NetworkModes.ContainerPrefix.Length..]) ?? record : record;
        File.WriteAllText(Path.Combine(store.DirectoryOf(record.Id), "resolv.conf"),
            ResolvConf.Build(record.HostConfig, File.Exists(settings.ResolvConf) ? File.ReadAllText(settings.ResolvConf) : "",
                networking.UsesEmbeddedDns(owner)));
    }

    /// <summary>/etc/hosts with the container's own address (its first network's, at each start; none: 127.0.1.1).</summary>
    /// <summary>
    /// Writes the container's /etc/hosts with its addresses on the networks its record shows (none before a start).
    /// The file is rewritten in place: a running container sees a live connect or disconnect through its bind mount.
    /// </summary>
    private void WriteHostsFile(ContainerRecord record) =>
        File.WriteAllText(Path.Combine(store.DirectoryOf(record.Id), "hosts"),
            HostsFile.Build(record.Config, record.HostConfig,
                record.NetworkSettings.Networks.Values.Select(n => n.IPAddress).Where(a => a.Length > 0).ToList(), networking.DefaultGateway()));

    private static Dictionary<string, string> Attributes(ContainerRecord r)
    {
        var attributes = new Dictionary<string, string>(r.Config.Labels) { ["image"] = r.ImageName, ["name"] = r.Name };
        return attributes;
    }
}
