namespace Containers.Api;

/// <summary>Body of <c>POST /networks/{id}/connect</c>: the container and its endpoint settings (aliases, address).</summary>
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
