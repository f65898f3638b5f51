using Containers.Snapshots;

namespace Containers.Engine.Volumes;

/// <summary>
/// Docker's copy-up: a volume that is still empty, mounted over a directory of the image that has content, is filled with
/// that content (ownership, modes, xattrs, links, as <c>cp -a</c> keeps them) when the container is created, unless the
/// mount says <c>nocopy</c>. The image directory is resolved inside the rootfs, so a symlink cannot make it a host path.
/// </summary>
public static class VolumeCopyUp
{
    /// <param name="mountVolume">Mounts a volume's own filesystem (local driver options) before it is looked at, as dockerd
    /// does for a destination the image has: the content goes into that filesystem.</param>
    public static void Fill(IEnumerable<ContainerMount> mounts, string rootfs, Action<ContainerMount>? mountVolume = null)
    {
        foreach (var mount in mounts.Where(m => m.CopyUp))
        {
            var components = mount.Point.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (ScopedPath.TryResolve(rootfs, components) is not { } image) continue;
            if (Native.LStat(image) is not { Type: Native.SIfDir }) continue;
            mountVolume?.Invoke(mount);
            var volume = mount.Point.Source;
            if (!Directory.Exists(volume) || Directory.EnumerateFileSystemEntries(volume).Any()) continue;
            if (!Directory.EnumerateFileSystemEntries(image).Any()) continue;
            NativeSnapshotter.CopyTree(image, volume);
        }
    }
}
