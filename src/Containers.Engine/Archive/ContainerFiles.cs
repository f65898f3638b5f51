using System.Globalization;
using Containers.Api;
using Containers.Snapshots;

namespace Containers.Engine.Archive;

/// <summary>
/// A path as the archive API names it inside a container, cleaned as Docker does (<c>filepath.Join("/", path)</c>: ".."
/// never climbs above the root), remembering a trailing "/" or "/." (then the last component is followed if it is a
/// symlink, and a directory's contents are meant) and Docker's base name of it (<c>"."</c> for "dir/.", <c>"/"</c> for the root).
/// </summary>
public sealed record ContainerPath(string Original, string[] Components, bool FollowFinal, string BaseName)
{
    public static ContainerPath Parse(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        var currentDirectory = path == "." || path.EndsWith("/.", StringComparison.Ordinal);
        var follow = currentDirectory || path.EndsWith('/');
        var baseName = currentDirectory ? "." : parts.Count == 0 ? "/" : parts[^1];
        return new ContainerPath(path, [.. parts], follow, baseName);
    }

    /// <summary>The cleaned absolute path inside the container.</summary>
    public string Absolute => "/" + string.Join('/', Components);
}

/// <summary>
/// A container's root filesystem on the host for one archive operation: the running container's own rootfs mount, or
/// (created and stopped containers) its snapshot mounted for the operation under the exec-root and unmounted on
/// dispose. With the container's volumes and binds on top, where the container sees them (as dockerd mounts them for
/// <c>docker cp</c>), so a copy into a volume's path reaches the volume; a tmpfs lives only in the container's own mount
/// namespace and is not there. Every path is resolved with <see cref="ScopedPath"/>, so a symlink in the container
/// (absolute, or climbing with "..") is followed as the container sees it and never leads outside <see cref="Root"/>.
/// </summary>
public sealed class ContainerFiles : IDisposable
{
    private readonly bool _temporary;

    public string Root { get; }

    private ContainerFiles(string root, bool temporary)
    {
        Root = root;
        _temporary = temporary;
    }

    /// <summary>
    /// A temporary mount of the running container's rootfs or of the snapshot's <paramref name="mounts"/>, with the
    /// container's <paramref name="volumes"/> (its volumes and binds, read-only ones read-only) mounted at their
    /// destinations inside it; without volumes, a running container's rootfs is used as it is.
    /// </summary>
    public static ContainerFiles Open(string? runningRootfs, IReadOnlyList<MountSpec> mounts, string mountsDirectory,
        IEnumerable<Volumes.ContainerMount>? volumes = null)
    {
        var binds = (volumes ?? []).Where(v => v.Point.Type is "volume" or "bind" && Path.Exists(v.Point.Source))
            .OrderBy(v => v.Point.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries).Length).ToList();
        if (runningRootfs is not null && binds.Count == 0) return new ContainerFiles(runningRootfs, temporary: false);
        var target = Directory.CreateDirectory(Path.Combine(mountsDirectory, Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            Mounter.Mount(runningRootfs is null ? mounts : [new MountSpec("bind", runningRootfs, ["bind"])], target);
            try
            {
                foreach (var bind in binds)
                {
                    // Only where the container has its mount point (made at its start): nothing is created in its rootfs.
                    var at = ScopedPath.TryResolve(target, bind.Point.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries));
                    if (at is null || Directory.Exists(at) != Directory.Exists(bind.Point.Source)) continue;
                    Mounter.Mount([new MountSpec("bind", bind.Point.Source, bind.Point.RW ? ["rbind"] : ["rbind", "ro"])], at);
                }
            }
            catch
            {
                Mounter.Unmount(target);
                throw;
            }
        }
        catch
        {
            Directory.Delete(target);
            throw;
        }
        return new ContainerFiles(target, temporary: true);
    }

    /// <summary>
    /// Makes the directory of the temporary mounts, unmounting and removing what an engine that did not finish an
    /// operation (killed, crashed) left there. Call once, before the first operation.
    /// </summary>
    public static string PrepareMountsDirectory(string path)
    {
        Directory.CreateDirectory(path);
        foreach (var leftover in Directory.EnumerateDirectories(path))
        {
            if (Lifecycle.ContainerRunner.IsMountPoint(leftover)) Mounter.Unmount(leftover);
            Directory.Delete(leftover);
        }
        return path;
    }

    public void Dispose()
    {
        if (!_temporary) return;
        Mounter.Unmount(Root);
        Directory.Delete(Root);
    }

    /// <summary>
    /// The host path of what <paramref name="path"/> names: its directories followed in scope, the last component itself
    /// (a symlink stays a symlink) unless the path ends in "/" or "/."; null when it does not exist.
    /// </summary>
    public string? Locate(ContainerPath path)
    {
        if (path.FollowFinal || path.Components.Length == 0) return ScopedPath.TryResolve(Root, path.Components);
        var parent = ScopedPath.TryResolve(Root, path.Components[..^1]);
        if (parent is null || Native.LStat(parent) is not { Type: Native.SIfDir }) return null;
        var target = Path.Combine(parent, path.Components[^1]);
        return Native.LStat(target) is null ? null : target;
    }

    /// <summary>The real directory every symlink of <paramref name="path"/> leads to, or null when that is missing or no directory.</summary>
    public string? LocateDirectory(ContainerPath path) =>
        ScopedPath.TryResolve(Root, path.Components) is { } resolved && Native.LStat(resolved) is { Type: Native.SIfDir } ? resolved : null;

    /// <summary>Docker's path stat of <paramref name="hostPath"/> (found by <see cref="Locate"/>).</summary>
    public ContainerPathStat Stat(ContainerPath path, string hostPath)
    {
        var st = LStat(hostPath) ?? throw new FileNotFoundException(path.Original);
        var linkTarget = "";
        if (st.Type == Native.SIfLnk)
        {
            // As Docker: the link fully evaluated in the container's scope; a broken one as far as its own text says.
            linkTarget = ScopedPath.TryResolve(Root, path.Components) is { } resolved
                ? ContainerAbsolute(resolved)
                : new FileInfo(hostPath).LinkTarget ?? "";
        }
        return new ContainerPathStat
        {
            Name = path.BaseName, Size = st.Size, Mode = GoMode(st.Mode), Mtime = GoTime(st.Modified), LinkTarget = linkTarget,
        };
    }

    /// <summary>lstat of a path <see cref="ScopedPath"/> resolved, its directory reached again through a <see cref="DirectoryHandle"/>.</summary>
    private Native.Stat? LStat(string hostPath)
    {
        if (Path.GetFullPath(hostPath) == Path.GetFullPath(Root)) return Native.LStat(Root);
        using var parent = DirectoryHandle.Open(Root, Path.GetDirectoryName(hostPath)!);
        return Native.LStat(parent.PathOf(Path.GetFileName(hostPath)));
    }

    /// <summary>A host path under <see cref="Root"/> as the container names it.</summary>
    public string ContainerAbsolute(string hostPath)
    {
        var relative = Path.GetRelativePath(Root, hostPath);
        return relative == "." ? "/" : "/" + relative;
    }

    /// <summary>A Unix st_mode as Go's os.FileMode (permission bits, then type and special bits of its own).</summary>
    public static uint GoMode(uint mode)
    {
        var go = mode & 0x1FF; // 0777
        go |= (mode & Native.SIfMt) switch
        {
            Native.SIfDir => GoFileMode.Directory,
            Native.SIfLnk => GoFileMode.Symlink,
            Native.SIfChr => GoFileMode.Device | GoFileMode.CharDevice,
            Native.SIfBlk => GoFileMode.Device,
            Native.SIfIfo => GoFileMode.NamedPipe,
            Containers.Interop.Libc.S_IFSOCK => GoFileMode.Socket,
            _ => 0,
        };
        if ((mode & 0x800) != 0) go |= GoFileMode.Setuid; // 04000
        if ((mode & 0x400) != 0) go |= GoFileMode.Setgid; // 02000
        if ((mode & 0x200) != 0) go |= GoFileMode.Sticky; // 01000
        return go;
    }

    /// <summary>Go's RFC 3339 with nanoseconds as time.Time marshals it: the fraction without trailing zeros.</summary>
    public static string GoTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return utc.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }
}
