using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>Completes container names, or short IDs for an -Id parameter.</summary>
public sealed class ContainerCompleter : EngineCompleter
{
    protected override async Task<IEnumerable<string>> CandidatesAsync(ContainersClient client, string parameterName, CancellationToken cancel)
    {
        var containers = await client.ListContainersAsync(all: true, cancel: cancel);
        return parameterName.Equals("Id", StringComparison.OrdinalIgnoreCase)
            ? containers.Select(c => ShortId(c.Id))
            : containers.Select(c => c.Name);
    }
}
