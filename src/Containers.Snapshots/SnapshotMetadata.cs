using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Snapshots;

/// <summary>
/// The snapshot table, <c>metadata.json</c>, rewritten atomically (temp + fsync + rename) on every change. A snapshot's
/// directory is created under a temporary name and renamed into place before its record is written, so after a
/// SIGKILL the table only names complete snapshots; directories it does not name are removed when the store opens.
/// </summary>
internal sealed partial class SnapshotMetadata
{
    private readonly string _path;
    private readonly State _state;

    private sealed class State
    {
        public int NextId { get; set; } = 1;
        public Dictionary<string, SnapshotInfo> Snapshots { get; set; } = new(StringComparer.Ordinal);
    }

    public SnapshotMetadata(string root)
    {
        _path = Path.Combine(root, "metadata.json");
        _state = File.Exists(_path)
            ? JsonSerializer.Deserialize(File.ReadAllBytes(_path), MetadataJson.Default.State) ?? new State()
            : new State();
    }

    public int AllocateId()
    {
        var id = _state.NextId++;
        Save();
        return id;
    }

    public SnapshotInfo? Get(string key) => _state.Snapshots.GetValueOrDefault(key);

    public IReadOnlyCollection<SnapshotInfo> All => _state.Snapshots.Values;

    public void Add(SnapshotInfo info)
    {
        _state.Snapshots[info.Key] = info;
        Save();
    }

    public void Remove(string key)
    {
        if (_state.Snapshots.Remove(key)) Save();
    }

    private void Save() => AtomicFile.Write(_path, stream => JsonSerializer.Serialize(stream, _state, MetadataJson.Default.State));

    [JsonSerializable(typeof(State))]
    private sealed partial class MetadataJson : JsonSerializerContext;
}
