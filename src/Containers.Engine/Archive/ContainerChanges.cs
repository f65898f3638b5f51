using Containers.Api;
using Containers.Snapshots;

namespace Containers.Engine.Archive;

/// <summary>
/// <c>docker diff</c>: from an overlay upper directory, with Docker's overlay rules: a 0:0 character device (whiteout) is a
/// deletion, so is an opaque directory that hides one of the lower layers; anything else is a modification when a lower
/// layer has it and an addition otherwise; a directory present below too is listed only when its mode, owner or mtime
/// changed, and the parent of an addition or deletion is listed as modified before it. What the engine itself puts in a
/// container (mount points such as /proc and /dev, the bind-mounted /etc/hosts, /etc/hostname, /etc/resolv.conf) is left
/// out, as Docker's init layer keeps it out of the container's own layer.
/// </summary>
public static class ContainerChanges
{
    public const int Modified = 0, Added = 1, Deleted = 2;

    private const string OpaqueXattr = "trusted.overlay.opaque";

    /// <summary>Paths the engine and the runtime create as mount points: never the container's own changes.</summary>
    private static readonly HashSet<string> EngineFiles = new(StringComparer.Ordinal)
    {
        "/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/console",
        "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/.dockerenv",
    };

    /// <summary>Directories whose mtime the engine's mount points change: listed only for changes of the container's own.</summary>
    private static readonly HashSet<string> EngineTouchedDirectories = new(StringComparer.Ordinal) { "/etc", "/dev" };

    public static List<ContainerChange> FromOverlay(string upper, IReadOnlyList<string> lowers)
    {
        var changes = new List<ContainerChange>();
        var listedDirectories = new HashSet<string>(StringComparer.Ordinal);
        Scan(upper, "", lowers, changes, listedDirectories);
        return changes;
    }

    private static void Scan(string upper, string relative, IReadOnlyList<string> lowers, List<ContainerChange> changes, HashSet<string> listed)
    {
        foreach (var child in Children(upper, relative).Order(StringComparer.Ordinal))
        {
            var childRelative = relative.Length == 0 ? child : relative + "/" + child;
            var path = "/" + childRelative;
            var hostPath = Path.Combine(upper, childRelative);
            if (EngineFiles.Contains(path) || Native.LStat(hostPath) is not { } st) continue;
            var below = Lower(lowers, childRelative);
            int? kind;
            if (st.IsWhiteout) kind = Deleted;
            else if (st.Type == Native.SIfDir && below is not null && IsOpaque(hostPath)) kind = Deleted;
            else if (below is null) kind = Added;
            else if (st.Type == Native.SIfDir && below.Value.Type == Native.SIfDir && !DirectoryChanged(path, st, below.Value)) kind = null;
            else kind = Modified;

            if (kind is Added or Deleted)
            {
                var parent = relative.Length == 0 ? null : "/" + relative;
                if (parent is not null && listed.Add(parent)) changes.Add(new ContainerChange { Path = parent, Kind = Modified });
            }
            if (kind is { } k)
            {
                if (st.Type == Native.SIfDir) listed.Add(path);
                changes.Add(new ContainerChange { Path = path, Kind = k });
            }
            if (st.Type == Native.SIfDir) Scan(upper, childRelative, lowers, changes, listed);
        }
    }

    /// <summary>
    /// <c>docker diff</c> of a full copy (the native snapshotter) against the image's: Docker's rules for copied trees
    /// (vfs): an entry is modified when its type, mode, owner or device changed, or, for a non-directory, its size or
    /// mtime; a directory with any change below it is listed as modified before its children.
    /// </summary>
    public static List<ContainerChange> FromCopies(string current, string? original)
    {
        var changes = new List<ContainerChange>();
        Compare(current, original, "", changes);
        return changes;
    }

    private static void Compare(string current, string? original, string relative, List<ContainerChange> changes)
    {
        var names = Children(current, relative).Union(original is null ? [] : Children(original, relative)).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var childRelative = relative.Length == 0 ? name : relative + "/" + name;
            var path = "/" + childRelative;
            if (EngineFiles.Contains(path)) continue;
            var now = Native.LStat(Path.Combine(current, childRelative));
            var before = original is null ? null : Native.LStat(Path.Combine(original, childRelative));
            int? kind = now is not { } st ? Deleted
                : before is not { } old ? Added
                : st.Type != old.Type || (st.Mode & 0xFFF) != (old.Mode & 0xFFF) || st.Uid != old.Uid || st.Gid != old.Gid
                  || st.RdevMajor != old.RdevMajor || st.RdevMinor != old.RdevMinor
                  || st.Type != Native.SIfDir && (st.Size != old.Size || st.Modified != old.Modified) ? Modified
                : null;
            if (kind is { } k) changes.Add(new ContainerChange { Path = path, Kind = k });
            if (now is not { Type: Native.SIfDir }) continue;
            var position = changes.Count;
            Compare(current, before is { Type: Native.SIfDir } ? original : null, childRelative, changes);
            if (kind is null && changes.Count > position) changes.Insert(position, new ContainerChange { Path = path, Kind = Modified });
        }
    }

    private static IEnumerable<string> Children(string root, string relative)
    {
        var directory = relative.Length == 0 ? root : Path.Combine(root, relative);
        return Native.LStat(directory) is { Type: Native.SIfDir }
            ? Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(Path.GetFileName).OfType<string>()
            : [];
    }

    private static bool DirectoryChanged(string path, Native.Stat upper, Native.Stat lower) =>
        (upper.Mode & 0xFFF) != (lower.Mode & 0xFFF) || upper.Uid != lower.Uid || upper.Gid != lower.Gid
        || upper.Modified != lower.Modified && !EngineTouchedDirectories.Contains(path);

    /// <summary>The entry the image's layers have at <paramref name="relative"/> (the topmost one), or null when none has it or it is whited out.</summary>
    private static Native.Stat? Lower(IReadOnlyList<string> lowers, string relative)
    {
        foreach (var layer in lowers)
        {
            if (Native.LStat(Path.Combine(layer, relative)) is not { } st) continue;
            return st.IsWhiteout ? null : st;
        }
        return null;
    }

    private static bool IsOpaque(string path) => Native.GetXattr(path, OpaqueXattr) is [(byte)'y'];
}
