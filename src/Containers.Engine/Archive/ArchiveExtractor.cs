using System.Formats.Tar;
using System.Text;
using Containers.Engine.Errors;
using Containers.Interop;
using Containers.Snapshots;

namespace Containers.Engine.Archive;

/// <summary>
/// Extracts a tar into a directory of a container (<c>PUT /containers/{id}/archive</c>) with Docker's untar rules: names
/// are relative to the destination (a leading "/" too), one that climbs out of it with ".." is refused, as is a hard link
/// to anything outside it or a symlink whose target climbs out of it; an existing entry is replaced unless both are
/// directories (refused with <c>noOverwriteDirNonDir</c> when a directory and a non-directory meet); ownership from the
/// tar, or one owner for everything (<c>copyUIDGID</c> with a container user); modes, xattrs and mtimes (directories last).
/// Every parent is resolved inside the container's root with <see cref="ScopedPath"/>, so a symlink in the container or
/// one the tar made earlier can only lead somewhere inside the container, and files are created with O_EXCL|O_NOFOLLOW.
/// </summary>
public sealed class ArchiveExtractor(ContainerFiles files, string destination, bool noOverwriteDirNonDir, (int Uid, int Gid)? owner)
{
    private const string PaxXattrPrefix = "SCHILY.xattr.";

    private readonly string[] _destination = Components(files.ContainerAbsolute(destination));
    private readonly List<(string Path, DateTimeOffset Modified)> _directoryTimes = [];

    public async Task ExtractAsync(Stream tar, CancellationToken cancel)
    {
        var reader = new TarReader(tar, leaveOpen: true);
        while (await NextAsync(reader, cancel) is { } entry)
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) continue;
            await ExtractEntryAsync(entry, cancel);
        }
        // Directory mtimes last (creating their children changed them), each reached again without following a symlink:
        // a later entry may have replaced a parent with one.
        foreach (var (path, modified) in _directoryTimes.OrderByDescending(d => d.Path.Length))
        {
            try
            {
                using var parent = DirectoryHandle.Open(files.Root, Path.GetDirectoryName(path)!);
                Native.SetTimes(parent.PathOf(Path.GetFileName(path)), modified);
            }
            catch (SyscallException)
            {
                // replaced by a later entry: nothing of ours to date
            }
        }
    }

    private static async Task<TarEntry?> NextAsync(TarReader reader, CancellationToken cancel)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancel);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or NotSupportedException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidParameterException($"invalid tar archive: {e.Message}");
        }
    }

    private async Task ExtractEntryAsync(TarEntry entry, CancellationToken cancel)
    {
        var name = entry.Name;
        var relative = Confine(name, [], () => $"{Quote(name)} is outside of {Quote(DestinationText)}");
        if (relative.Count == 0) return; // the destination itself, which exists as a directory
        var parentPath = ResolveParent(relative, name);
        using var parent = DirectoryHandle.Open(files.Root, parentPath);
        var last = relative[^1];
        var target = parent.PathOf(last);
        var isDirectory = entry.EntryType == TarEntryType.Directory;
        var containerPath = "/" + string.Join('/', _destination.Concat(relative));

        if (Native.LStat(target) is { } existing)
        {
            var existingIsDirectory = existing.Type == Native.SIfDir;
            if (noOverwriteDirNonDir && existingIsDirectory && !isDirectory)
                throw new InvalidParameterException($"cannot overwrite directory {Quote(containerPath)} with non-directory {Quote(DestinationText)}");
            if (noOverwriteDirNonDir && !existingIsDirectory && isDirectory)
                throw new InvalidParameterException($"cannot overwrite non-directory {Quote(containerPath)} with directory {Quote(DestinationText)}");
            if (!(existingIsDirectory && isDirectory)) RemoveAll(parent, last);
        }

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (Native.LStat(target) is null) Directory.CreateDirectory(target);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await using (var file = new FileStream(Native.CreateNewFile(target), FileAccess.Write, 1 << 16))
                {
                    if (entry.DataStream is { } data) await data.CopyToAsync(file, 1 << 16, cancel);
                }
                break;
            case TarEntryType.HardLink:
                LinkTo(entry.LinkName, target, containerPath, name);
                break;
            case TarEntryType.SymbolicLink:
                if (!entry.LinkName.StartsWith('/'))
                    Confine(entry.LinkName, relative.Take(relative.Count - 1).ToList(), () => $"invalid symlink {Quote(containerPath)} -> {Quote(entry.LinkName)}");
                File.CreateSymbolicLink(target, entry.LinkName);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                var kind = entry.EntryType == TarEntryType.CharacterDevice ? Native.SIfChr : Native.SIfBlk;
                Native.MakeNode(target, kind | 0x180 /* 0600 */, entry is PosixTarEntry d ? d.DeviceMajor : 0, entry is PosixTarEntry m ? m.DeviceMinor : 0);
                break;
            case TarEntryType.Fifo:
                Native.MakeNode(target, Native.SIfIfo | 0x180 /* 0600 */, 0, 0);
                break;
            default:
                throw new InvalidParameterException($"unhandled tar header type {entry.EntryType} for {Quote(name)}");
        }
        ApplyMetadata(entry, parent, last, Path.Combine(parentPath, last));
    }

    /// <summary>Docker's hard link rule: the target is named relative to the destination and must be a file below it.</summary>
    private void LinkTo(string linkName, string target, string containerPath, string name)
    {
        var refusal = $"invalid hardlink {Quote(containerPath)} -> {Quote(linkName)}";
        var linked = Confine(linkName, [], () => refusal);
        if (linked.Count == 0) throw new InvalidParameterException(refusal);
        using var sourceParent = DirectoryHandle.Open(files.Root, ResolveParent(linked, name));
        var source = sourceParent.PathOf(linked[^1]);
        if (Native.LStat(source) is not { } linkedStat || linkedStat.Type == Native.SIfDir)
            throw new InvalidParameterException(refusal + ": no such file below the destination");
        Native.HardLink(source, target);
    }

    /// <summary>Owner, xattrs, mode and mtime of the entry just made; a directory's mtime is set at the end, by <paramref name="hostPath"/>.</summary>
    private void ApplyMetadata(TarEntry entry, DirectoryHandle parent, string last, string hostPath)
    {
        var target = parent.PathOf(last);
        var (uid, gid) = owner ?? (entry.Uid, entry.Gid);
        Native.LChown(target, uid, gid);
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                if (!key.StartsWith(PaxXattrPrefix, StringComparison.Ordinal)) continue;
                // As Docker: an attribute the filesystem or our privileges do not allow is left out, not an error.
                try { Native.SetXattr(target, key[PaxXattrPrefix.Length..], Encoding.UTF8.GetBytes(value)); }
                catch (SyscallException) { }
            }
        }
        if (entry.EntryType != TarEntryType.SymbolicLink)
            parent.Chmod(last, (uint)entry.Mode & 0xFFF /* 07777, after chown, which clears setuid/setgid */);
        if (entry.EntryType == TarEntryType.Directory) _directoryTimes.Add((hostPath, entry.ModificationTime));
        else Native.SetTimes(target, entry.ModificationTime);
    }

    /// <summary>
    /// The parent directory of <paramref name="relative"/> (below the destination), resolved in scope; missing directories
    /// are made as Docker's untar makes them (0755, root), one at a time, each inside its parent held open.
    /// </summary>
    private string ResolveParent(List<string> relative, string name)
    {
        string[] components = [.. _destination, .. relative.Take(relative.Count - 1)];
        while (true)
        {
            if (ScopedPath.TryResolve(files.Root, components) is { } resolved)
                return Native.LStat(resolved) is { Type: Native.SIfDir } ? resolved : throw NotADirectory(name, resolved);
            MakeFirstMissing(components, name);
        }
    }

    private void MakeFirstMissing(string[] components, string name)
    {
        var count = 1;
        while (ScopedPath.TryResolve(files.Root, components[..count]) is not null) count++;
        var parent = ScopedPath.TryResolve(files.Root, components[..(count - 1)])!;
        if (Native.LStat(parent) is not { Type: Native.SIfDir }) throw NotADirectory(name, parent);
        using var handle = DirectoryHandle.Open(files.Root, parent);
        var missing = handle.PathOf(components[count - 1]);
        if (Native.LStat(missing) is not null)
            throw new InvalidParameterException($"{Quote(name)}: {Quote(files.ContainerAbsolute(Path.Combine(parent, components[count - 1])))} is a symlink to a directory that does not exist");
        Directory.CreateDirectory(missing);
    }

    private InvalidParameterException NotADirectory(string name, string hostPath) =>
        new($"{Quote(name)}: {Quote(files.ContainerAbsolute(hostPath))} is not a directory");

    /// <summary>
    /// The components of <paramref name="name"/> taken from <paramref name="start"/> (both below the destination), with
    /// ".." applied as Go's filepath.Clean does; climbing above the destination is refused with <paramref name="refusal"/>.
    /// </summary>
    private static List<string> Confine(string name, List<string> start, Func<string> refusal)
    {
        var parts = new List<string>(start);
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part.Contains('\0')) throw new InvalidParameterException($"{Quote(name)} contains a NUL byte");
            if (part == "..")
            {
                if (parts.Count == 0) throw new InvalidParameterException(refusal());
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts;
    }

    private string DestinationText => "/" + string.Join('/', _destination);

    private static string[] Components(string containerPath) => containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Quote(string text) => "\"" + text + "\"";

    /// <summary>Removes an entry and, for a directory, everything below it, each directory held open: no symlink is followed.</summary>
    private static void RemoveAll(DirectoryHandle parent, string name)
    {
        var path = parent.PathOf(name);
        if (Native.LStat(path) is not { Type: Native.SIfDir })
        {
            File.Delete(path);
            return;
        }
        using (var directory = parent.OpenChild(name))
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName).OfType<string>().ToList())
                RemoveAll(directory, child);
        }
        Directory.Delete(path);
    }
}
