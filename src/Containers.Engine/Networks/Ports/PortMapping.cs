using System.Globalization;
using System.Net;

namespace Containers.Engine.Networks.Ports;

/// <summary>
/// One published port: connections to <see cref="HostIp"/>:<see cref="HostPort"/> (any local address when HostIp is
/// 0.0.0.0) are sent to <see cref="ContainerIp"/>:<see cref="ContainerPort"/> on the container's bridge.
/// </summary>
public sealed record PortMapping(string ContainerId, string Protocol, IPAddress HostIp, int HostPort, IPAddress ContainerIp,
    int ContainerPort, string Bridge)
{
    /// <summary>The container port as Docker keys it: "80/tcp".</summary>
    public string Key => ContainerPort.ToString(CultureInfo.InvariantCulture) + "/" + Protocol;

    /// <summary>Whether the host's own connections to 127.0.0.1 reach it (so its bridge needs route_localnet).</summary>
    public bool ServesLoopback => HostIp.Equals(IPAddress.Any) || IPAddress.IsLoopback(HostIp);

    /// <summary>Whether two mappings would take the same host port: same protocol and port, and one address covers the other.</summary>
    public bool Overlaps(string protocol, IPAddress hostIp, int hostPort) =>
        Protocol == protocol && HostPort == hostPort
        && (HostIp.Equals(hostIp) || HostIp.Equals(IPAddress.Any) || hostIp.Equals(IPAddress.Any));

    /// <summary>Docker's "0.0.0.0:32768:172.17.0.2:80/tcp", as its errors name a binding.</summary>
    public override string ToString() => $"{HostIp}:{HostPort}:{ContainerIp}:{Key}";
}
