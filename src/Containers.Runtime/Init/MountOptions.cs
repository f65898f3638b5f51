using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>
/// Splits a spec mount's options into mount(2) flags, propagation changes, the filesystem's data string and the
/// recursive attributes (runc's "rro", "rnosuid", ...: mount_setattr(2) with AT_RECURSIVE, for every submount too).
/// </summary>
public readonly record struct MountOptions(ulong Flags, ulong ClearFlags, List<ulong> Propagation, string Data, bool Recursive,
    ulong RecursiveSet = 0, ulong RecursiveClear = 0)
{
    private const ulong MOUNT_ATTR_NOSUID = 0x2, MOUNT_ATTR_NODEV = 0x4, MOUNT_ATTR_NOEXEC = 0x8, MOUNT_ATTR__ATIME = 0x70,
        MOUNT_ATTR_RELATIME = 0, MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20, MOUNT_ATTR_NODIRATIME = 0x80,
        MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    /// <summary>runc's recursive options: attributes set and cleared (an atime mode clears the whole atime field).</summary>
    private static readonly Dictionary<string, (ulong set, ulong clear)> RecursiveTable = new()
    {
        ["rro"] = (MOUNT_ATTR_RDONLY, 0), ["rrw"] = (0, MOUNT_ATTR_RDONLY), ["rnosuid"] = (MOUNT_ATTR_NOSUID, 0), ["rsuid"] = (0, MOUNT_ATTR_NOSUID),
        ["rnodev"] = (MOUNT_ATTR_NODEV, 0), ["rdev"] = (0, MOUNT_ATTR_NODEV), ["rnoexec"] = (MOUNT_ATTR_NOEXEC, 0), ["rexec"] = (0, MOUNT_ATTR_NOEXEC),
        ["rnodiratime"] = (MOUNT_ATTR_NODIRATIME, 0), ["rdiratime"] = (0, MOUNT_ATTR_NODIRATIME),
        ["rrelatime"] = (MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME), ["rnoatime"] = (MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
        ["rstrictatime"] = (MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
        ["rnosymfollow"] = (MOUNT_ATTR_NOSYMFOLLOW, 0), ["rsymfollow"] = (0, MOUNT_ATTR_NOSYMFOLLOW),
    };

    private static readonly Dictionary<string, (ulong set, ulong clear)> FlagTable = new()
    {
        ["ro"] = (MS_RDONLY, 0), ["rw"] = (0, MS_RDONLY), ["nosuid"] = (MS_NOSUID, 0), ["suid"] = (0, MS_NOSUID),
        ["nodev"] = (MS_NODEV, 0), ["dev"] = (0, MS_NODEV), ["noexec"] = (MS_NOEXEC, 0), ["exec"] = (0, MS_NOEXEC),
        ["sync"] = (MS_SYNCHRONOUS, 0), ["async"] = (0, MS_SYNCHRONOUS), ["dirsync"] = (MS_DIRSYNC, 0),
        ["remount"] = (MS_REMOUNT, 0), ["mand"] = (MS_MANDLOCK, 0), ["nomand"] = (0, MS_MANDLOCK),
        ["noatime"] = (MS_NOATIME, 0), ["atime"] = (0, MS_NOATIME), ["nodiratime"] = (MS_NODIRATIME, 0), ["diratime"] = (0, MS_NODIRATIME),
        ["relatime"] = (MS_RELATIME, 0), ["norelatime"] = (0, MS_RELATIME), ["strictatime"] = (MS_STRICTATIME, 0), ["nostrictatime"] = (0, MS_STRICTATIME),
        ["bind"] = (MS_BIND, 0), ["rbind"] = (MS_BIND | MS_REC, 0), ["defaults"] = (0, 0), ["nosymfollow"] = (MS_NOSYMFOLLOW, 0),
        ["silent"] = (MS_SILENT, 0), ["loud"] = (0, MS_SILENT),
    };

    private static readonly Dictionary<string, ulong> PropagationTable = new()
    {
        ["private"] = MS_PRIVATE, ["rprivate"] = MS_PRIVATE | MS_REC, ["shared"] = MS_SHARED, ["rshared"] = MS_SHARED | MS_REC,
        ["slave"] = MS_SLAVE, ["rslave"] = MS_SLAVE | MS_REC, ["unbindable"] = MS_UNBINDABLE, ["runbindable"] = MS_UNBINDABLE | MS_REC,
    };

    public static IEnumerable<string> Names => FlagTable.Keys.Concat(PropagationTable.Keys).Concat(RecursiveTable.Keys).Order(StringComparer.Ordinal);

    public bool IsBind => (Flags & MS_BIND) != 0;

    public bool HasRecursiveAttributes => RecursiveSet != 0 || RecursiveClear != 0;

    public static MountOptions Parse(IEnumerable<string>? options)
    {
        ulong flags = 0, clear = 0, recursiveSet = 0, recursiveClear = 0;
        var propagation = new List<ulong>();
        var data = new List<string>();
        bool recursive = false;
        foreach (var o in options ?? [])
        {
            if (FlagTable.TryGetValue(o, out var f))
            {
                flags = (flags & ~f.clear) | f.set;
                clear |= f.clear;
                if (o == "rbind") recursive = true;
            }
            else if (PropagationTable.TryGetValue(o, out var p)) propagation.Add(p);
            else if (RecursiveTable.TryGetValue(o, out var r))
            {
                recursiveSet = (recursiveSet & ~(r.set | r.clear)) | r.set;
                recursiveClear = (recursiveClear & ~r.set) | r.clear;
            }
            else data.Add(o);
        }
        return new MountOptions(flags, clear, propagation, string.Join(',', data), recursive, recursiveSet, recursiveClear);
    }

    /// <summary>Propagation keyword (rootfsPropagation) to flags; empty means runc's default, rslave.</summary>
    public static ulong ParsePropagation(string? name) =>
        string.IsNullOrEmpty(name) ? MS_SLAVE | MS_REC
        : PropagationTable.TryGetValue(name, out var p) ? p
        : throw new Spec.InvalidSpecException($"unknown rootfsPropagation '{name}'");
}
