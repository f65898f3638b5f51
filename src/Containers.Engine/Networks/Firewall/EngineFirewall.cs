using System.Net;
using Containers.Api;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Networks.Firewall;

/// <summary>
/// The running engine's firewall and published ports together: the state (every bridge network's bridge, every
/// container's port mappings) is rebuilt and applied whole whenever one of them changes — at engine start
/// (reconcile: whatever a crashed engine left in its table is replaced), at network create and rm, at container start
/// and stop. A container's ports are reserved (<see cref="PortMapper"/>) before its rules exist, and a start whose
/// ports or rules cannot be had keeps neither.
/// </summary>
public sealed class EngineFirewall(FirewallTable firewall, PortMapper ports, Func<IReadOnlyList<FirewallBridge>> bridges)
{
    private readonly Lock _gate = new();

    public PortMapper Ports => ports;

    /// <summary>Applies the current state: the bridges as they are now and every mapping.</summary>
    public void Sync()
    {
        lock (_gate) firewall.Apply(new FirewallState(bridges(), ports.Mappings));
    }

    /// <summary>
    /// Publishes a starting container's ports on the address it got on <paramref name="bridge"/> (its first bridge
    /// network, as dockerd publishes on the endpoint that gives the container its gateway); the mappings, none when it
    /// publishes nothing. Throws <see cref="PortMappingException"/> (in dockerd's words), holding nothing.
    /// </summary>
    public IReadOnlyList<PortMapping> Publish(string containerId, HostConfig host, IReadOnlyDictionary<string, EmptyObject>? exposedPorts,
        IPAddress address, string bridge)
    {
        var mappings = ports.Map(containerId, host, exposedPorts, address, bridge);
        if (mappings.Count == 0) return mappings;
        try
        {
            Sync();
        }
        catch
        {
            ports.Unmap(containerId);
            throw;
        }
        return mappings;
    }

    /// <summary>Takes back, at engine start, the ports of a container that kept running (its NetworkSettings.Ports).</summary>
    public void Restore(string containerId, IReadOnlyDictionary<string, List<PortBinding>?> recorded, IPAddress address, string bridge) =>
        ports.Restore(containerId, recorded, address, bridge);

    /// <summary>Releases a stopped container's ports and takes its rules out; nothing when it published none.</summary>
    public void Unpublish(string containerId)
    {
        if (ports.MappingsOf(containerId).Count == 0) return;
        ports.Unmap(containerId);
        Sync();
    }

    /// <summary>Deletes the engine's table (a clean stop without live restore: its bridges go too).</summary>
    public void Remove()
    {
        lock (_gate) firewall.Remove();
    }
}
