using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Networks;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// <c>docker network connect</c> and <c>disconnect</c>: a running container gets (or loses) the interface at once, a
/// stopped one has the network recorded for its next start (a running one's /etc/hosts follows); dockerd's refusals for
/// the modes that share a namespace.
/// </summary>
public sealed partial class ContainerService
{
    public async Task ConnectAsync(string networkIdOrName, NetworkConnectRequest request)
    {
        var network = networking.Networks.Find(networkIdOrName);
        var record = store.Get(request.Container);
        using (await Tracker(record.Id).LockAsync())
        {
            record = store.Get(record.Id);
            RefuseSharedNamespace(record, network);
            if (record.NetworkSettings.Networks.ContainsKey(network.Name))
                throw new ForbiddenException($"endpoint with name {record.Name} already exists in network {network.Name}");
            var settings = networking.EndpointOf(network, request.EndpointConfig, null);
            ContainerEndpoint? endpoint = null;
            if (record.Status.IsRunning && record.State.Pid > 0)
                endpoint = await Task.Run(() => networking.ConnectLive(record, network, settings, record.State.Pid));
            var connected = store.Update(record.Id, r =>
            {
                r.NetworkSettings.Networks[network.Name] = settings;
                if (settings.MacAddress.Length > 0) r.Attachments[network.Id] = new NetworkAttachment { MacAddress = settings.MacAddress };
                if (endpoint is not null) EndpointView.Record(r, [endpoint]);
            });
            if (endpoint is not null) WriteHostsFile(connected);
            // As dockerd: a running container's first user-defined network brings the embedded DNS, and its resolv.conf
            // (the same file, bind-mounted) names it from now on.
            if (endpoint is not null && !networking.DnsRunning(record.Id) && networking.UsesEmbeddedDns(connected))
            {
                try
                {
                    networking.StartDns(connected, connected.State.Pid);
                    WriteResolvConf(connected);
                }
                catch (IOException e) { log.LogWarning("the embedded DNS of container {Id} did not start: {Message}", record.Id, e.Message); }
            }
            PublishNetworkEvent("connect", network, record.Id);
        }
    }

    public async Task DisconnectAsync(string networkIdOrName, NetworkDisconnectRequest request)
    {
        var network = networking.Networks.Find(networkIdOrName);
        var record = store.Get(request.Container);
        using (await Tracker(record.Id).LockAsync())
        {
            record = store.Get(record.Id);
            if (record.HostConfig.NetworkMode == "host" && network.Name == "host")
                throw new InvalidParameterException("container cannot be disconnected from host network or connected to host network");
            if (!record.NetworkSettings.Networks.ContainsKey(network.Name))
                throw new ForbiddenException($"container {record.Id} is not connected to network {network.Name}");
            await Task.Run(() => networking.Detach(record.Id, network.Id));
            var disconnected = store.Update(record.Id, r =>
            {
                r.NetworkSettings.Networks.Remove(network.Name);
                r.Attachments.Remove(network.Id);
            });
            if (disconnected.Status.IsRunning) WriteHostsFile(disconnected);
            PublishNetworkEvent("disconnect", network, record.Id);
        }
    }

    /// <summary>dockerd's runconfig conflicts: host, none and container:X namespaces take no other network.</summary>
    private static void RefuseSharedNamespace(ContainerRecord record, Network network)
    {
        var mode = record.HostConfig.NetworkMode;
        if (mode == "host" || network.Name == "host")
            throw new InvalidParameterException("container cannot be disconnected from host network or connected to host network");
        if (mode == "none" || network.Name == "none")
            throw new InvalidParameterException("container cannot be connected to multiple networks with one of the networks in private (none) mode");
        if (NetworkModes.IsContainer(mode))
            throw new InvalidParameterException("container sharing network namespace with another container or host cannot be connected to any other network");
    }

    /// <summary>As dockerd: "connect" for each network before a container's "start" event, "disconnect" after its "die".</summary>
    private void PublishNetworkEvents(string action, string containerId, IEnumerable<ContainerEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
            if (networking.Networks.TryFind(endpoint.NetworkId) is { } network) PublishNetworkEvent(action, network, containerId);
    }

    private void PublishNetworkEvent(string action, Network network, string containerId) =>
        events.Publish(EventTypes.Network, action, network.Id,
            new Dictionary<string, string> { ["container"] = containerId, ["name"] = network.Name, ["type"] = network.Driver });
}
