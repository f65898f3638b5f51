using Containers.Engine.Errors;
using Containers.Snapshots;

namespace Containers.Engine.Volumes;

/// <summary>
/// Docker's copy-up: a volume that is still empty, mounted over a directory of the image that has content, is filled with
/// that content (ownership, modes, xattrs, links, as <c>cp -a</c> keeps them) when the container is created, unless the
/// mount says <c>nocopy</c>. The image directory is resolved inside the rootfs, so a symlink cannot make it a host path.
/// A volume over a file of the image is dockerd's refusal (a 400 here: the request asks for what the image cannot take).
/// </summary>
public static class VolumeCopyUp
{
    /// <param name="mountVolume">Mounts a volume's own filesystem (local driver options) before it is looked at, as dockerd
    /// does for a destination the image has: the content goes into that filesystem.</param>
    public static void Fill(IEnumerable<ContainerMount> mounts, string rootfs, Action<ContainerMount>? mountVolume = null)
    {
        foreach (var mount in mounts.Where(m => m.Point.Type == "volume"))
        {
            var components = mount.Point.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (ScopedPath.TryResolve(rootfs, components) is not { } image) continue;
            var type = Native.LStat(image)?.Type;
            if (type is not null && type != Native.SIfDir)
                throw new InvalidParameterException($"cannot mount volume over existing file, file exists {mount.Point.Destination}");
            if (type is null || !mount.CopyUp) continue;
            mountVolume?.Invoke(mount);
            var volume = mount.Point.Source;
            if (!Directory.Exists(volume) || Directory.EnumerateFileSystemEntries(volume).Any()) continue;
            if (!Directory.EnumerateFileSystemEntries(image).Any()) continue;
            NativeSnapshotter.CopyTree(image, volume);
        }
    }
}
