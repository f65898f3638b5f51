using System.Globalization;
using Containers.Api;

namespace Containers.Engine.Networks.Ports;

/// <summary>
/// The published ports in Docker's shapes: inspect's <c>NetworkSettings.Ports</c> ("80/tcp" → its host bindings, an
/// exposed but unpublished port → null) and the list's <c>Ports</c> rows, which dockerd derives from the former.
/// </summary>
public static class PortViews
{
    /// <summary>NetworkSettings.Ports of a running container: its mappings by container port, plus its exposed ports (null when unpublished).</summary>
    public static Dictionary<string, List<PortBinding>?> Settings(IEnumerable<PortMapping> mappings, IReadOnlyDictionary<string, EmptyObject>? exposedPorts)
    {
        var ports = new Dictionary<string, List<PortBinding>?>(StringComparer.Ordinal);
        foreach (var key in exposedPorts?.Keys ?? [])
            ports[PortSpecs.NormalizeKey(key)] = null;
        foreach (var mapping in mappings)
        {
            if (ports.GetValueOrDefault(mapping.Key) is not { } bindings) ports[mapping.Key] = bindings = [];
            bindings.Add(new PortBinding { HostIp = mapping.HostIp.ToString(), HostPort = mapping.HostPort.ToString(CultureInfo.InvariantCulture) });
        }
        return ports;
    }

    /// <summary>The list's Ports rows from NetworkSettings.Ports: one per binding, one without IP and PublicPort for an unpublished port.</summary>
    public static List<Port> List(IReadOnlyDictionary<string, List<PortBinding>?>? ports)
    {
        var rows = new List<Port>();
        foreach (var (key, bindings) in ports ?? new Dictionary<string, List<PortBinding>?>())
        {
            var (port, protocol) = PortSpecs.ParseKey(key);
            if (bindings is not { Count: > 0 })
            {
                rows.Add(new Port { PrivatePort = port, Type = protocol });
                continue;
            }
            foreach (var binding in bindings)
                rows.Add(new Port
                {
                    IP = binding.HostIp, PrivatePort = port, Type = protocol,
                    PublicPort = int.TryParse(binding.HostPort, CultureInfo.InvariantCulture, out var published) ? published : null,
                });
        }
        return rows.OrderBy(r => r.PrivatePort).ThenBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.PublicPort).ToList();
    }
}
