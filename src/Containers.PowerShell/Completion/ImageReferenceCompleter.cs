using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>Completes image references (repo:tag) and short image IDs.</summary>
public sealed class ImageReferenceCompleter : EngineCompleter
{
    protected override async Task<IEnumerable<string>> CandidatesAsync(ContainersClient client, string parameterName, CancellationToken cancel)
    {
        var images = await client.ListImagesAsync(cancel: cancel);
        return images.SelectMany(i => i.RepoTags.Where(t => t != "<none>:<none>").Append(ShortId(i.Id)));
    }
}
