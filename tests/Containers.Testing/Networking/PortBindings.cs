using Containers.Api;

namespace Containers.Testing;

/// <summary>HostConfigs that publish ports, as <c>docker run -p</c> sends them.</summary>
public static class PortBindings
{
    /// <summary>A HostConfig with these bindings: (container port key "80/tcp", HostIp, HostPort), "" meaning the default.</summary>
    public static HostConfig Publish(params (string Key, string HostIp, string HostPort)[] bindings) => new()
    {
        PortBindings = bindings.GroupBy(b => b.Key)
            .ToDictionary(g => g.Key, g => g.Select(b => new PortBinding { HostIp = b.HostIp, HostPort = b.HostPort }).ToList()),
    };
}
