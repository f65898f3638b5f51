using System.Formats.Tar;
using System.Text;

namespace Containers.Snapshots;

/// <summary>How a layer's whiteouts are applied.</summary>
public enum WhiteoutMode
{
    /// <summary>Into an overlay upper directory: <c>.wh.NAME</c> becomes a 0:0 character device, <c>.wh..wh..opq</c> the opaque xattr.</summary>
    Overlay,

    /// <summary>Onto a full copy of the parent layers (the native snapshotter): whiteouts delete.</summary>
    Delete,
}

/// <summary>What applying one layer did.</summary>
public sealed record LayerApplyResult(long Entries, long Bytes);

/// <summary>
/// Applies a layer tar (PAX, GNU or USTAR, read with System.Formats.Tar) to a directory: regular files, directories,
/// symlinks, hardlinks (inside the layer, or to a file of a lower layer, which is copied up first), devices, FIFOs,
/// ownership, modes with setuid/setgid/sticky, extended attributes and mtimes (directories fixed up last).
/// Every path is resolved inside the root (see <see cref="ScopedPath"/>); an entry that tries to leave it is refused
/// with a <see cref="LayerApplyException"/> naming it, before anything outside could change.
/// </summary>
public sealed class LayerApplier(string root, WhiteoutMode whiteouts, IReadOnlyList<string>? lowerRoots = null, bool allowDevices = true)
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const string OverlayOpaqueXattr = "trusted.overlay.opaque";
    private const string PaxXattrPrefix = "SCHILY.xattr.";

    private readonly IReadOnlyList<string> _lowerRoots = lowerRoots ?? [];
    private readonly HashSet<string> _writtenByThisLayer = new(StringComparer.Ordinal);
    private readonly List<(string Path, DateTimeOffset Modified)> _directoryTimes = [];

    /// <summary>
    /// Applies the whole tar on one dedicated thread with synchronous I/O: per-file async writes would hop between
    /// thread-pool threads for every chunk of every file, which costs more than the writes themselves.
    /// </summary>
    public Task<LayerApplyResult> ApplyAsync(Stream tar, CancellationToken cancel = default) =>
        Task.Factory.StartNew(() => Apply(tar, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private LayerApplyResult Apply(Stream tar, CancellationToken cancel)
    {
        long entries = 0, bytes = 0;
        var reader = new TarReader(tar, leaveOpen: true);
        var previous = "(none)";
        while (NextEntry(reader, entries + 1, previous) is { } entry)
        {
            cancel.ThrowIfCancellationRequested();
            entries++;
            bytes += ApplyEntry(entry);
            previous = entry.Name;
        }
        // Directory mtimes last: creating their children changed them.
        foreach (var (path, modified) in _directoryTimes.OrderByDescending(d => d.Path.Length)) Native.SetTimes(path, modified);
        // The tar's end-of-archive padding must be read too, so the caller's digest covers the whole stream.
        tar.CopyTo(Stream.Null);
        return new LayerApplyResult(entries, bytes);
    }

    /// <summary>The reader refuses some entries (GNU sparse files, broken headers) before we see their names: say where.</summary>
    private static TarEntry? NextEntry(TarReader reader, long number, string previous)
    {
        try
        {
            return reader.GetNextEntry(copyData: false);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new LayerApplyException($"entry {number} of the layer (after \"{previous}\") is refused: {e.Message}");
        }
    }

    private long ApplyEntry(TarEntry entry)
    {
        var name = entry.Name;
        var components = ScopedPath.Components(name, "entry");
        if (components.Length == 0) return 0; // the layer's root itself
        var baseName = components[^1];
        var parent = ScopedPath.ResolveDirectory(root, components[..^1], create: true, name);
        var relativeKey = string.Join('/', components);

        if (baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(parent, baseName, name);
            return 0;
        }

        var target = Path.Combine(parent, baseName);
        var existing = Native.LStat(target);
        if (entry.EntryType == TarEntryType.Directory)
        {
            if (existing is { } e && e.Type != Native.SIfDir) RemoveAll(target);
            if (existing is null || existing.Value.Type != Native.SIfDir) Directory.CreateDirectory(target);
        }
        else if (existing is not null)
        {
            RemoveAll(target);
        }

        long size = 0;
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                size = entry.Length;
                using (var file = new FileStream(Native.CreateNewFile(target), FileAccess.Write, 1 << 16))
                {
                    entry.DataStream?.CopyTo(file, 1 << 16);
                }
                break;
            case TarEntryType.SymbolicLink:
                File.CreateSymbolicLink(target, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                LinkTo(entry.LinkName, target, name);
                _writtenByThisLayer.Add(relativeKey);
                return 0; // a hard link shares the target's metadata: nothing more to set
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                if (!allowDevices) throw new LayerApplyException($"entry \"{name}\" is a device node, which this layer may not create");
                var kind = entry.EntryType == TarEntryType.CharacterDevice ? Native.SIfChr : Native.SIfBlk;
                Native.MakeNode(target, kind | 0x180 /* 0600 */, DeviceMajor(entry), DeviceMinor(entry));
                break;
            case TarEntryType.Fifo:
                Native.MakeNode(target, Native.SIfIfo | 0x180 /* 0600 */, 0, 0);
                break;
            case TarEntryType.SparseFile:
                throw new LayerApplyException($"entry \"{name}\" is a GNU sparse file, which layers may not contain");
            default:
                throw new LayerApplyException($"entry \"{name}\" has unsupported type {entry.EntryType}");
        }
        _writtenByThisLayer.Add(relativeKey);
        ApplyMetadata(entry, target, name);
        return size;
    }

    private void ApplyMetadata(TarEntry entry, string target, string name)
    {
        Native.LChown(target, entry.Uid, entry.Gid);
        if (entry.EntryType != TarEntryType.SymbolicLink)
            Native.Chmod(target, (uint)entry.Mode & 0xFFF /* 07777 */); // after chown, which clears setuid/setgid
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (!key.StartsWith(PaxXattrPrefix, StringComparison.Ordinal)) continue;
                var xattr = key[PaxXattrPrefix.Length..];
                // System.Formats.Tar decodes PAX values as UTF-8; a value that was not valid UTF-8 cannot be restored exactly.
                if (value.Contains('\uFFFD'))
                    throw new LayerApplyException($"entry \"{name}\": extended attribute {xattr} has a binary value that cannot be restored exactly");
                Native.SetXattr(target, xattr, Encoding.UTF8.GetBytes(value));
            }
        }
        if (entry.EntryType == TarEntryType.Directory) _directoryTimes.Add((target, entry.ModificationTime));
        else Native.SetTimes(target, entry.ModificationTime);
    }

    private void ApplyWhiteout(string parent, string baseName, string name)
    {
        if (baseName == OpaqueMarker)
        {
            if (whiteouts == WhiteoutMode.Overlay)
            {
                Native.SetXattr(parent, OverlayOpaqueXattr, "y"u8);
                return;
            }
            // Native: everything the lower layers put in this directory goes; what this layer wrote stays.
            var prefix = Path.GetRelativePath(root, parent).Replace('\\', '/');
            foreach (var child in Directory.EnumerateFileSystemEntries(parent))
            {
                var key = prefix == "." ? Path.GetFileName(child) : prefix + "/" + Path.GetFileName(child);
                if (!_writtenByThisLayer.Contains(key)) RemoveAll(child);
            }
            return;
        }
        if (baseName.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal)) return; // other AUFS metadata
        var hidden = baseName[WhiteoutPrefix.Length..];
        if (hidden.Length == 0 || hidden is "." or "..") throw new LayerApplyException($"entry \"{name}\" is a malformed whiteout");
        var victim = Path.Combine(parent, hidden);
        if (Native.LStat(victim) is not null) RemoveAll(victim);
        if (whiteouts == WhiteoutMode.Overlay) Native.MakeNode(victim, Native.SIfChr, 0, 0);
    }

    /// <summary>A hard link to a file of this layer, or of a lower layer (copied up into this one first).</summary>
    private void LinkTo(string linkName, string target, string name)
    {
        var components = ScopedPath.Components(linkName, $"hard link target of \"{name}\":");
        if (components.Length == 0) throw new LayerApplyException($"entry \"{name}\" is a hard link to the layer's root");
        var source = Path.Combine(ScopedPath.ResolveDirectory(root, components[..^1], create: true, name), components[^1]);
        if (Native.LStat(source) is not { } stat)
        {
            var lower = _lowerRoots.Select(l => TryResolve(l, components)).FirstOrDefault(p => p is not null && Native.LStat(p) is not null)
                ?? throw new LayerApplyException($"entry \"{name}\" is a hard link to \"{linkName}\", which does not exist in this layer or below");
            CopyUp(lower, source);
            stat = Native.LStat(source)!.Value;
        }
        if (stat.Type == Native.SIfDir) throw new LayerApplyException($"entry \"{name}\" is a hard link to a directory");
        Native.HardLink(source, target);
    }

    private static string? TryResolve(string lowerRoot, string[] components)
    {
        try
        {
            return Path.Combine(ScopedPath.ResolveDirectory(lowerRoot, components[..^1], create: false, ""), components[^1]);
        }
        catch (LayerApplyException)
        {
            return null;
        }
    }

    /// <summary>Copies a lower layer's file into this layer with its owner, mode, xattrs and mtime.</summary>
    private static void CopyUp(string from, string to)
    {
        var stat = Native.LStat(from)!.Value;
        if (stat.Type != Native.SIfReg) throw new LayerApplyException($"hard link target {from} in a lower layer is not a regular file");
        File.Copy(from, to);
        Native.LChown(to, stat.Uid, stat.Gid);
        Native.Chmod(to, stat.Mode & 0xFFF /* 07777 */);
        foreach (var xattr in Native.ListXattrs(from))
            if (Native.GetXattr(from, xattr) is { } value) Native.SetXattr(to, xattr, value);
        Native.SetTimes(to, stat.Modified);
    }

    private static void RemoveAll(string path)
    {
        if (Native.LStat(path) is { Type: Native.SIfDir }) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    private static long DeviceMajor(TarEntry e) => e is PosixTarEntry p ? p.DeviceMajor : 0;

    private static long DeviceMinor(TarEntry e) => e is PosixTarEntry p ? p.DeviceMinor : 0;
}
