using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>A network, as <c>GET /networks</c> and <c>GET /networks/{id}</c> return it (moby's NetworkResource).</summary>
public sealed class Network
{
    public string Name { get; set; } = "";
    public string Id { get; set; } = "";
    public string Created { get; set; } = "";
    public string Scope { get; set; } = "local";
    public string Driver { get; set; } = "bridge";
    public bool EnableIPv6 { get; set; }
    public NetworkIpam IPAM { get; set; } = new();
    public bool Internal { get; set; }
    public bool Attachable { get; set; }
    public bool Ingress { get; set; }
    public NetworkConfigReference ConfigFrom { get; set; } = new();
    public bool ConfigOnly { get; set; }
    public Dictionary<string, NetworkEndpoint> Containers { get; set; } = [];
    public Dictionary<string, string> Options { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
}

/// <summary>A network's IPAM: the driver (only "default") and its address pools.</summary>
public sealed class NetworkIpam
{
    public string Driver { get; set; } = "default";
    public Dictionary<string, string>? Options { get; set; }
    public List<IpamConfig>? Config { get; set; }
}

/// <summary>One address pool of a network.</summary>
public sealed class IpamConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subnet { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IPRange { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Gateway { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? AuxiliaryAddresses { get; set; }
}

public sealed class NetworkConfigReference
{
    public string Network { get; set; } = "";
}

/// <summary>A container's endpoint on a network, as the network's inspect lists it.</summary>
public sealed class NetworkEndpoint
{
    public string Name { get; set; } = "";
    public string EndpointID { get; set; } = "";
    public string MacAddress { get; set; } = "";
    public string IPv4Address { get; set; } = "";
    public string IPv6Address { get; set; } = "";
}

/// <summary>Body of <c>POST /networks/create</c>.</summary>
public sealed class NetworkCreateRequest
{
    public string Name { get; set; } = "";
    public bool? CheckDuplicate { get; set; }
    public string? Driver { get; set; }
    public string? Scope { get; set; }
    public bool? Internal { get; set; }
    public bool? Attachable { get; set; }
    public bool? Ingress { get; set; }
    public bool? ConfigOnly { get; set; }
    public NetworkConfigReference? ConfigFrom { get; set; }
    public NetworkIpam? IPAM { get; set; }
    public bool? EnableIPv6 { get; set; }
    public Dictionary<string, string>? Options { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>Answer of <c>POST /networks/create</c>.</summary>
public sealed class NetworkCreateResponse
{
    public string Id { get; set; } = "";
    public string Warning { get; set; } = "";
}

/// <summary>Answer of <c>POST /networks/prune</c>.</summary>
public sealed class NetworksPruneResponse
{
    public List<string> NetworksDeleted { get; set; } = [];
}

/// <summary>Body of <c>POST /networks/{id}/connect</c>.</summary>
public sealed class NetworkConnectRequest
{
    public string Container { get; set; } = "";
    public EndpointSettings? EndpointConfig { get; set; }
}

/// <summary>Body of <c>POST /networks/{id}/disconnect</c>.</summary>
public sealed class NetworkDisconnectRequest
{
    public string Container { get; set; } = "";
    public bool Force { get; set; }
}
