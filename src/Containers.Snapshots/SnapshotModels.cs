namespace Containers.Snapshots;

public enum SnapshotKind { Committed, Active, View }

/// <summary>One snapshot as the metadata records it: its key (chain ID for a committed layer), its short directory id and parent.</summary>
public sealed record SnapshotInfo(string Key, SnapshotKind Kind, string? Parent, int Id, DateTimeOffset Created);

/// <summary>A mount the runtime (or <see cref="Mounter"/>) performs: overlay paths are relative to <see cref="WorkingDirectory"/>.</summary>
public sealed record MountSpec(string Type, string Source, IReadOnlyList<string> Options, string? WorkingDirectory = null);

/// <summary>Disk use of one snapshot's own directory.</summary>
public sealed record SnapshotUsage(long Bytes, long Inodes);
