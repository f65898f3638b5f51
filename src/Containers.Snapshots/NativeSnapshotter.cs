using System.Diagnostics;

namespace Containers.Snapshots;

/// <summary>
/// Copy-based snapshots for filesystems where overlayfs cannot be used (a data-root that is itself on overlayfs, for
/// example): every snapshot is a complete tree, made by copying its parent (hard links, ownership, modes, xattrs kept)
/// and applying the layer on top, with whiteouts applied by deletion. Simple and slow, as Docker's vfs driver is.
/// </summary>
public sealed class NativeSnapshotter(string root) : Snapshotter(root)
{
    public override string Driver => "native";

    protected override async Task ApplyLayerAsync(string directory, string? parentChainId, Stream tar, CancellationToken cancel)
    {
        if (parentChainId is not null) CopyTree(FilesOf(Stat(parentChainId)), directory);
        await new LayerApplier(directory, WhiteoutMode.Delete).ApplyAsync(tar, cancel);
    }

    protected override void PrepareDirectory(string directory, string? parentChainId, SnapshotKind kind)
    {
        if (parentChainId is not null) CopyTree(FilesOf(Stat(parentChainId)), Path.Combine(directory, "fs"));
    }

    public override IReadOnlyList<MountSpec> Mounts(string key)
    {
        var info = Stat(key);
        return [new MountSpec("bind", FilesOf(info), ["rbind", info.Kind == SnapshotKind.Active ? "rw" : "ro"])];
    }

    /// <summary>cp -a keeps hard links, ownership, modes, xattrs, devices and times, which a managed copy would have to redo.</summary>
    internal static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        var start = new ProcessStartInfo("cp") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-a", "--reflink=auto", from + "/.", to + "/" }) start.ArgumentList.Add(a);
        using var cp = Process.Start(start)!;
        var error = cp.StandardError.ReadToEnd();
        cp.WaitForExit();
        if (cp.ExitCode != 0) throw new IOException($"copying {from} to {to} failed: {error.Trim()}");
    }
}
