using Containers.Api;
using Containers.Engine.Api;
using Containers.Engine.Configuration;
using Containers.Engine.Events;
using Containers.Engine.Images;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Creating, listing, renaming and removing containers: records in the <see cref="ContainerStore"/>, a read-write
/// snapshot per container on top of its image's layers, and the container's own files (hostname, hosts, resolv.conf).
/// </summary>
public sealed class ContainerService(ContainerStore store, ImageService images, EngineSettings settings, EventBus events, int hostCpus)
{
    public ContainerStore Store => store;

    public ContainerCreateResponse Create(ContainerCreateRequest request, string? name)
    {
        var warnings = CreateRequestValidator.Validate(request, hostCpus);
        var image = images.Store.Get(request.Image!);
        var id = ContainerStore.NewId();
        var (config, path, args) = ContainerConfigMerger.Merge(request, image.Config.Config, request.Image!, id);
        var host = request.HostConfig ?? new HostConfig();
        if (host.NetworkMode.Length == 0) host.NetworkMode = "default";
        if (host.LogConfig.Type.Length == 0) host.LogConfig = new LogConfig { Type = settings.LogDriver, Config = new Dictionary<string, string>(settings.LogOpts) };

        var record = store.Add(new ContainerRecord
        {
            Id = id, Created = DateTimeOffset.UtcNow, ImageName = request.Image!, ImageId = image.Id,
            Path = path, Args = args, Config = config, HostConfig = host,
        }, name);
        try
        {
            images.Snapshots.Prepare(id, image.Layers.LastOrDefault()?.ChainId);
            WriteContainerFiles(record);
        }
        catch
        {
            store.Remove(id);
            throw;
        }
        events.Publish(EventTypes.Container, "create", id, Attributes(record));
        return new ContainerCreateResponse { Id = id, Warnings = warnings };
    }

    public void Rename(string idOrName, string newName)
    {
        var record = store.Get(idOrName);
        var oldName = record.Name;
        store.Rename(record.Id, newName);
        events.Publish(EventTypes.Container, "rename", record.Id, new Dictionary<string, string>(Attributes(record)) { ["oldName"] = "/" + oldName });
    }

    public void Remove(string idOrName, bool force)
    {
        var record = store.Get(idOrName);
        if (record.State.Status is "running" or "paused" or "restarting")
            throw ApiException.Conflict($"cannot remove container \"/{record.Name}\": container is {record.State.Status}: stop the container before removing or force remove");
        if (images.Snapshots.Exists(record.Id)) images.Snapshots.Remove(record.Id);
        store.Remove(record.Id);
        events.Publish(EventTypes.Container, "destroy", record.Id, Attributes(record));
    }

    public ContainersPruneResponse Prune(Func<ContainerRecord, bool> matches)
    {
        var response = new ContainersPruneResponse();
        foreach (var record in store.List().Where(r => r.State.Status is "created" or "exited" or "dead" && matches(r)))
        {
            if (images.Snapshots.Exists(record.Id))
            {
                response.SpaceReclaimed += images.Snapshots.Usage(record.Id).Bytes;
                images.Snapshots.Remove(record.Id);
            }
            store.Remove(record.Id);
            events.Publish(EventTypes.Container, "destroy", record.Id, Attributes(record));
            response.ContainersDeleted.Add(record.Id);
        }
        events.Publish(EventTypes.Container, "prune", "", new Dictionary<string, string> { ["reclaimed"] = response.SpaceReclaimed.ToString() });
        return response;
    }

    /// <summary>/etc/hostname, /etc/hosts and /etc/resolv.conf as the container will see them (bind-mounted at start).</summary>
    private void WriteContainerFiles(ContainerRecord record)
    {
        var dir = store.DirectoryOf(record.Id);
        var fqdn = record.Config.Domainname.Length > 0 ? $"{record.Config.Hostname}.{record.Config.Domainname} " : "";
        File.WriteAllText(Path.Combine(dir, "hostname"), record.Config.Hostname + "\n");
        File.WriteAllText(Path.Combine(dir, "hosts"),
            $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t{fqdn}{record.Config.Hostname}\n");
        var resolv = record.HostConfig.Dns is { Count: > 0 } dns
            ? string.Concat(dns.Select(d => $"nameserver {d}\n")) + (record.HostConfig.DnsSearch is { Count: > 0 } s ? $"search {string.Join(' ', s)}\n" : "")
            : File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "";
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), resolv);
    }

    private static Dictionary<string, string> Attributes(ContainerRecord r)
    {
        var attributes = new Dictionary<string, string>(r.Config.Labels) { ["image"] = r.ImageName, ["name"] = r.Name };
        return attributes;
    }
}
