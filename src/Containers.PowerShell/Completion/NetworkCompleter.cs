using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>Completes network names, or short IDs for an -Id parameter.</summary>
public sealed class NetworkCompleter : EngineCompleter
{
    protected override async Task<IEnumerable<string>> CandidatesAsync(ContainersClient client, string parameterName, CancellationToken cancel)
    {
        var networks = await client.ListNetworksAsync(cancel: cancel);
        return parameterName.Equals("Id", StringComparison.OrdinalIgnoreCase)
            ? networks.Select(n => ShortId(n.Id))
            : networks.Select(n => n.Name);
    }
}
