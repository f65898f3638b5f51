using System.Formats.Tar;
using System.Text;

namespace Containers.Snapshots;

/// <summary>
/// Turns an overlay upper directory into a layer tar: 0:0 character devices become <c>.wh.NAME</c>, opaque
/// directories get a <c>.wh..wh..opq</c> entry, hard links within the upper directory stay hard links. Deterministic:
/// entries sorted by path (ordinal), PAX headers with no user/group names and no access/change times, so the same
/// change always gives the same bytes and therefore the same digest.
/// </summary>
public static class LayerDiff
{
    private const string OpaqueXattr = "trusted.overlay.opaque";

    public static async Task WriteAsync(string upperDirectory, Stream output, CancellationToken cancel = default)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var firstPathOfInode = new Dictionary<ulong, string>();
        foreach (var relative in Walk(upperDirectory))
        {
            cancel.ThrowIfCancellationRequested();
            var path = Path.Combine(upperDirectory, relative);
            var st = Native.LStat(path)!.Value;
            var name = st.Type == Native.SIfDir ? relative + "/" : relative;

            if (st.IsWhiteout)
            {
                var parent = Path.GetDirectoryName(relative);
                var whiteout = (string.IsNullOrEmpty(parent) ? "" : parent + "/") + ".wh." + Path.GetFileName(relative);
                await writer.WriteEntryAsync(Marker(whiteout, st), cancel);
                continue;
            }
            TarEntry entry;
            switch (st.Type)
            {
                case Native.SIfDir:
                    entry = Entry(TarEntryType.Directory, name, st, Xattrs(path));
                    break;
                case Native.SIfReg when st.Links > 1 && firstPathOfInode.TryGetValue(st.Inode, out var first):
                    entry = Entry(TarEntryType.HardLink, name, st);
                    entry.LinkName = first;
                    break;
                case Native.SIfReg:
                    if (st.Links > 1) firstPathOfInode[st.Inode] = relative;
                    entry = Entry(TarEntryType.RegularFile, name, st, Xattrs(path));
                    entry.DataStream = File.OpenRead(path);
                    break;
                case Native.SIfLnk:
                    entry = Entry(TarEntryType.SymbolicLink, name, st, Xattrs(path));
                    entry.LinkName = new FileInfo(path).LinkTarget ?? "";
                    break;
                case Native.SIfChr or Native.SIfBlk:
                    var device = (PaxTarEntry)Entry(st.Type == Native.SIfChr ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, name, st, Xattrs(path));
                    device.DeviceMajor = (int)st.RdevMajor;
                    device.DeviceMinor = (int)st.RdevMinor;
                    entry = device;
                    break;
                case Native.SIfIfo:
                    entry = Entry(TarEntryType.Fifo, name, st, Xattrs(path));
                    break;
                default:
                    continue; // sockets are not part of a layer
            }
            await writer.WriteEntryAsync(entry, cancel);
            if (entry.DataStream is { } data) await data.DisposeAsync();
            if (st.Type == Native.SIfDir && Native.GetXattr(path, OpaqueXattr) is { } opaque && Encoding.ASCII.GetString(opaque) == "y")
                await writer.WriteEntryAsync(Marker(relative + "/.wh..wh..opq", st), cancel);
        }
    }

    /// <summary>Every path under the directory, depth first, siblings in ordinal order (a parent before its children).</summary>
    private static IEnumerable<string> Walk(string root, string dir = "")
    {
        var children = Directory.EnumerateFileSystemEntries(Path.Combine(root, dir), "*", new EnumerationOptions { AttributesToSkip = 0 })
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
        foreach (var child in children)
        {
            var relative = dir.Length == 0 ? child : dir + "/" + child;
            yield return relative;
            if (Native.LStat(Path.Combine(root, relative)) is { Type: Native.SIfDir })
                foreach (var below in Walk(root, relative)) yield return below;
        }
    }

    /// <summary>Extended attributes as PAX records, except overlayfs's own bookkeeping.</summary>
    private static Dictionary<string, string> Xattrs(string path) =>
        Native.ListXattrs(path).Where(n => !n.StartsWith("trusted.overlay.", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => (n, Native.GetXattr(path, n)))
            .Where(x => x.Item2 is not null)
            .ToDictionary(x => "SCHILY.xattr." + x.n, x => Encoding.UTF8.GetString(x.Item2!));

    /// <summary>A whiteout or opaque marker: an empty file whose time is fixed, since when a file was deleted is not content.</summary>
    private static TarEntry Marker(string name, Native.Stat st)
    {
        var entry = Entry(TarEntryType.RegularFile, name, st with { Mode = 0 });
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        entry.Uid = 0;
        entry.Gid = 0;
        return entry;
    }

    private static TarEntry Entry(TarEntryType type, string name, Native.Stat st, Dictionary<string, string>? xattrs = null)
    {
        var entry = new PaxTarEntry(type, name, xattrs ?? [])
        {
            Uid = st.Uid,
            Gid = st.Gid,
            Mode = (UnixFileMode)(st.Mode & 0xFFF),
            ModificationTime = st.Modified,
            UserName = "",
            GroupName = "",
        };
        return entry;
    }
}
