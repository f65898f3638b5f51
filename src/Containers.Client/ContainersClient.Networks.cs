using System.Net.Http.Json;
using Containers.Api;

namespace Containers.Client;

/// <summary>Networks: list, inspect, create, remove, prune, connect and disconnect containers.</summary>
public sealed partial class ContainersClient
{
    /// <summary>The networks, optionally filtered with Docker's network filters (name, id, driver, label, type, scope, dangling).</summary>
    public Task<List<Network>> ListNetworksAsync(IReadOnlyDictionary<string, string[]>? filters = null, CancellationToken cancel = default) =>
        GetJsonAsync("networks" + FiltersQuery(filters), ApiJson.Context.ListNetwork, cancel);

    public Task<Network> GetNetworkAsync(string idOrName, CancellationToken cancel = default) =>
        GetJsonAsync("networks/" + Uri.EscapeDataString(idOrName), ApiJson.Context.Network, cancel);

    public async Task<NetworkCreateResponse> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "networks/create", JsonContent.Create(request, ApiJson.Context.NetworkCreateRequest), cancel);
        return await ReadJsonAsync(response, ApiJson.Context.NetworkCreateResponse, cancel);
    }

    public async Task RemoveNetworkAsync(string idOrName, CancellationToken cancel = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, "networks/" + Uri.EscapeDataString(idOrName), null, cancel);
    }

    /// <summary>Removes the user-defined networks no container uses; returns their names.</summary>
    public async Task<List<string>> PruneNetworksAsync(CancellationToken cancel = default)
    {
        using var response = await SendAsync(HttpMethod.Post, "networks/prune", null, cancel);
        return (await ReadJsonAsync(response, ApiJson.Context.NetworksPruneResponse, cancel)).NetworksDeleted;
    }

    /// <summary>Attaches a container to a network (docker network connect), with its aliases and address if given.</summary>
    public async Task ConnectNetworkAsync(string network, string container, EndpointSettings? endpoint = null, CancellationToken cancel = default)
    {
        var body = new NetworkConnectRequest { Container = container, EndpointConfig = endpoint };
        using var _ = await SendAsync(HttpMethod.Post, "networks/" + Uri.EscapeDataString(network) + "/connect",
            JsonContent.Create(body, ApiJson.Context.NetworkConnectRequest), cancel);
    }

    /// <summary>Detaches a container from a network (docker network disconnect); <paramref name="force"/> as the CLI's -f.</summary>
    public async Task DisconnectNetworkAsync(string network, string container, bool force = false, CancellationToken cancel = default)
    {
        var body = new NetworkDisconnectRequest { Container = container, Force = force };
        using var _ = await SendAsync(HttpMethod.Post, "networks/" + Uri.EscapeDataString(network) + "/disconnect",
            JsonContent.Create(body, ApiJson.Context.NetworkDisconnectRequest), cancel);
    }
}
