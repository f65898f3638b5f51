using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Progress;

/// <summary>
/// Turns Docker's pull progress messages into ProgressRecords: one parent activity for the pull and one child per
/// layer, with bytes done/total while downloading and extracting.
/// </summary>
internal sealed class PullProgress(string reference)
{
    private const int ParentId = 1;
    private readonly Dictionary<string, int> _layerIds = [];

    /// <summary>What to inspect afterwards: the reference as pulled (a digest reference stays one).</summary>
    public string PulledReference { get; } = reference;

    public IEnumerable<ProgressRecord> Update(ProgressMessage message)
    {
        if (message.Id is null || message.Status is null || message.Status.StartsWith("Pulling from", StringComparison.Ordinal))
        {
            if (message.Status is { } status)
                yield return new ProgressRecord(ParentId, $"Pulling {PulledReference}", status);
            yield break;
        }
        if (!_layerIds.TryGetValue(message.Id, out var id)) _layerIds[message.Id] = id = ParentId + 1 + _layerIds.Count;
        var record = new ProgressRecord(id, $"Layer {message.Id}", message.Status) { ParentActivityId = ParentId };
        if (message.ProgressDetail is { Total: > 0 } detail)
        {
            record.PercentComplete = (int)Math.Clamp(detail.Current * 100 / detail.Total, 0, 100);
            record.StatusDescription = $"{message.Status} {Bytes(detail.Current)} / {Bytes(detail.Total)}";
        }
        if (message.Status is "Pull complete" or "Already exists") record.RecordType = ProgressRecordType.Completed;
        yield return record;
    }

    public IEnumerable<ProgressRecord> Complete()
    {
        foreach (var id in _layerIds.Values)
            yield return new ProgressRecord(id, "Layer", "done") { ParentActivityId = ParentId, RecordType = ProgressRecordType.Completed };
        yield return new ProgressRecord(ParentId, $"Pulling {PulledReference}", "done") { RecordType = ProgressRecordType.Completed };
    }

    private static string Bytes(long n) => n switch
    {
        >= 1 << 30 => $"{n / (double)(1 << 30):F2} GiB",
        >= 1 << 20 => $"{n / (double)(1 << 20):F1} MiB",
        >= 1 << 10 => $"{n / 1024.0:F1} KiB",
        _ => $"{n} B",
    };
}
