namespace Containers.Snapshots;

/// <summary>
/// overlayfs snapshots, in the spirit of containerd's overlay snapshotter and Docker's overlay2: each committed layer
/// is its own directory (<c>snapshots/N/fs</c>) holding only that layer's changes (whiteouts as 0:0 character
/// devices, opaque directories marked with <c>trusted.overlay.opaque</c>); a container's snapshot adds an upper and a
/// work directory. Mount options name layers relative to <c>snapshots/</c> with short numeric directory names, so
/// even a 120-layer image stays well under the kernel's one-page limit on mount options.
/// </summary>
public sealed class OverlaySnapshotter(string root) : Snapshotter(root)
{
    public override string Driver => "overlayfs";

    protected override Task ApplyLayerAsync(string directory, string? parentChainId, Stream tar, CancellationToken cancel)
    {
        var lowers = Chain(parentChainId).Select(FilesOf).ToList();
        return new LayerApplier(directory, WhiteoutMode.Overlay, lowers).ApplyAsync(tar, cancel);
    }

    protected override void PrepareDirectory(string directory, string? parentChainId, SnapshotKind kind)
    {
        if (kind == SnapshotKind.Active) Directory.CreateDirectory(Path.Combine(directory, "work"));
    }

    public override IReadOnlyList<MountSpec> Mounts(string key)
    {
        var info = Stat(key);
        var lowers = Chain(info.Kind == SnapshotKind.Committed ? key : info.Parent).Select(s => $"{s.Id}/fs").ToList();
        if (info.Kind == SnapshotKind.Active)
        {
            if (lowers.Count == 0) return [new MountSpec("bind", FilesOf(info), ["rbind", "rw"])];
            return
            [
                new MountSpec("overlay", "overlay",
                    [$"lowerdir={string.Join(':', lowers)}", $"upperdir={info.Id}/fs", $"workdir={info.Id}/work"], SnapshotsDirectory),
            ];
        }
        // Read-only: overlay needs two lower directories when it has no upper one; a single layer is a bind mount.
        if (lowers.Count == 1) return [new MountSpec("bind", Path.Combine(SnapshotsDirectory, lowers[0]), ["rbind", "ro"])];
        return [new MountSpec("overlay", "overlay", [$"lowerdir={string.Join(':', lowers)}"], SnapshotsDirectory)];
    }

    /// <summary>The upper directory of an active snapshot: the container's changes, which <see cref="LayerDiff"/> turns into a layer.</summary>
    public string UpperDirectory(string key)
    {
        var info = Stat(key);
        return info.Kind == SnapshotKind.Active ? FilesOf(info) : throw new InvalidOperationException($"snapshot {key} is not active");
    }
}
