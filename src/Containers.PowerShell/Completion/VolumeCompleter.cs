using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>Completes volume names.</summary>
public sealed class VolumeCompleter : EngineCompleter
{
    protected override async Task<IEnumerable<string>> CandidatesAsync(ContainersClient client, string parameterName, CancellationToken cancel) =>
        (await client.ListVolumesAsync(cancel: cancel)).Select(v => v.Name);
}
