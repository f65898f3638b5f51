using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Progress;

/// <summary>
/// One image pull as the cmdlet and its job both run it: the engine's progress messages become ProgressRecords for
/// the caller (Write-Progress in the foreground, the job's Progress stream with -AsJob), and the result
/// is the pulled image.
/// </summary>
internal sealed class ImagePullOperation(ContainersClient client, string reference, string? platform, AuthConfig? auth)
{
    public string Reference => reference;

    public async Task<ImageInspect> RunAsync(Action<ProgressRecord> report, CancellationToken cancel)
    {
        var progress = new PullProgress(reference);
        await foreach (var message in client.PullImageAsync(reference, platform, auth, cancel))
            foreach (var record in progress.Update(message)) report(record);
        foreach (var record in progress.Complete()) report(record);
        return await client.InspectImageAsync(progress.PulledReference, cancel);
    }
}
