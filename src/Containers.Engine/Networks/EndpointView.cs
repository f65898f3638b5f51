using System.Text.Json;
using Containers.Api;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Networks;

/// <summary>
/// A container's networks as its record keeps them (NetworkSettings.Networks, one EndpointSettings per network, with
/// the address while it runs and empty address fields while it does not, as dockerd shows them) and as inspect shows
/// them: the same map plus, for the default bridge, the legacy top-level fields docker CLI templates read.
/// </summary>
public static class EndpointView
{
    /// <summary>What a new record keeps beside its NetworkSettings: the MAC addresses the user asked for.</summary>
    public static Dictionary<string, NetworkAttachment> AttachmentsOf(Dictionary<string, EndpointSettings> networks) =>
        networks.Values.Where(s => s.MacAddress.Length > 0)
            .ToDictionary(s => s.NetworkID, s => new NetworkAttachment { MacAddress = s.MacAddress }, StringComparer.Ordinal);

    /// <summary>Writes started endpoints into the record: addresses, MAC, endpoint ID, DNS names, interface names.</summary>
    public static void Record(ContainerRecord record, IEnumerable<ContainerEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            var (name, settings) = record.NetworkSettings.Networks.First(p => p.Value.NetworkID == endpoint.NetworkId);
            settings.IPAddress = Ipam.Format(endpoint.Address);
            settings.IPPrefixLen = endpoint.PrefixLength;
            settings.Gateway = Ipam.Format(endpoint.Gateway);
            settings.MacAddress = endpoint.MacAddress;
            settings.EndpointID = endpoint.EndpointId;
            settings.DNSNames = NetworkModes.IsPredefined(name) ? null : [record.Name, .. endpoint.Aliases, record.Id[..12]];
            if (!record.Attachments.TryGetValue(endpoint.NetworkId, out var attachment))
                record.Attachments[endpoint.NetworkId] = attachment = new NetworkAttachment();
            attachment.Interface = endpoint.Interface;
        }
    }

    /// <summary>A stopped container's entries: no address, no endpoint (the configured MAC stays, as dockerd shows it), no published port.</summary>
    public static void Clear(ContainerRecord record)
    {
        foreach (var settings in record.NetworkSettings.Networks.Values) Clear(record, settings);
        record.NetworkSettings.Ports = [];
    }

    public static void Clear(ContainerRecord record, EndpointSettings settings)
    {
        settings.IPAddress = "";
        settings.IPPrefixLen = 0;
        settings.Gateway = "";
        settings.EndpointID = "";
        settings.MacAddress = record.Attachments.GetValueOrDefault(settings.NetworkID)?.MacAddress ?? "";
        if (record.Attachments.TryGetValue(settings.NetworkID, out var attachment)) attachment.Interface = null;
    }

    /// <summary>
    /// Inspect's NetworkSettings: a copy of the record's, with the sandbox (the init's namespace) while it runs and the
    /// default bridge's endpoint also in the top-level fields (IPAddress, Gateway, MacAddress, …) with its bridge's name.
    /// </summary>
    public static NetworkSettings Inspect(ContainerRecord record, string defaultBridge)
    {
        var view = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(record.NetworkSettings, ApiJson.Context.NetworkSettings),
            ApiJson.Context.NetworkSettings)!;
        var running = record.Status.IsRunning && record.State.Pid > 0;
        if (running)
        {
            view.SandboxKey = $"/proc/{record.State.Pid}/ns/net";
            view.SandboxID = record.Id;
        }
        if (view.Networks.TryGetValue("bridge", out var bridge) && bridge.IPAddress.Length > 0)
        {
            view.Bridge = defaultBridge;
            view.IPAddress = bridge.IPAddress;
            view.IPPrefixLen = bridge.IPPrefixLen;
            view.Gateway = bridge.Gateway;
            view.MacAddress = bridge.MacAddress;
            view.EndpointID = bridge.EndpointID;
        }
        return view;
    }
}

/// <summary>What the record keeps of a container's attachment to a network beyond the API's EndpointSettings.</summary>
public sealed class NetworkAttachment
{
    /// <summary>The MAC address asked for (--mac-address), kept across runs; empty for dockerd's 02:42+IP.</summary>
    public string MacAddress { get; set; } = "";

    /// <summary>The interface in the container while it runs (eth0, eth1, … in attach order).</summary>
    public string? Interface { get; set; }
}
