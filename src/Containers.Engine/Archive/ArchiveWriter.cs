using System.Formats.Tar;
using Containers.Interop;
using Containers.Snapshots;
using Microsoft.Win32.SafeHandles;

namespace Containers.Engine.Archive;

/// <summary>
/// Writes a tar of a file or directory tree as Docker's archive package does for <c>docker cp</c> and <c>docker export</c>:
/// entries renamed under a base name (Docker's rebase: "etc/", "etc/passwd"; "/" and "." as Docker spells them), nothing
/// followed below the top (symlinks are archived as symlinks), hard links within the tree as hard links, ownership,
/// permission and special bits, mtimes, devices and FIFOs; sockets are left out, as Go's tar writer leaves them.
/// </summary>
public static class ArchiveWriter
{
    /// <summary>
    /// Writes <paramref name="hostPath"/> (under the container root <paramref name="root"/>) as <paramref name="baseName"/>
    /// (a directory with everything below it), or, when <paramref name="baseName"/> is null, only what is below the
    /// directory with names relative to it (export). Directories are walked through <see cref="DirectoryHandle"/>s.
    /// </summary>
    public static async Task WriteAsync(string root, string hostPath, string? baseName, Stream output, CancellationToken cancel)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var links = new Dictionary<ulong, string>();
        var isRoot = Path.GetFullPath(hostPath) == Path.GetFullPath(root);
        using var parent = DirectoryHandle.Open(root, isRoot ? root : Path.GetDirectoryName(hostPath)!);
        var name = isRoot ? "." : Path.GetFileName(hostPath);
        var st = Native.LStat(parent.PathOf(name)) ?? throw new FileNotFoundException(hostPath);
        if (baseName is not null) await WriteEntryAsync(writer, parent, name, baseName, st, links, cancel);
        if (st.Type != Native.SIfDir) return;
        using var directory = isRoot ? null : parent.OpenChild(name);
        await WriteTreeAsync(writer, directory ?? parent, baseName is null ? "" : baseName.TrimEnd('/') + "/", links, cancel);
    }

    /// <summary>Everything below <paramref name="directory"/>, parents before children, siblings in ordinal order; no symlink followed.</summary>
    private static async Task WriteTreeAsync(TarWriter writer, DirectoryHandle directory, string prefix, Dictionary<ulong, string> links, CancellationToken cancel)
    {
        var children = Directory.EnumerateFileSystemEntries(directory.Path, "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        foreach (var child in children)
        {
            cancel.ThrowIfCancellationRequested();
            if (Native.LStat(directory.PathOf(child)) is not { } st) continue; // gone meanwhile (a running container changes its files)
            await WriteEntryAsync(writer, directory, child, prefix + child, st, links, cancel);
            if (st.Type != Native.SIfDir) continue;
            using var below = directory.OpenChild(child);
            await WriteTreeAsync(writer, below, prefix + child + "/", links, cancel);
        }
    }

    private static async Task WriteEntryAsync(TarWriter writer, DirectoryHandle directory, string child, string name, Native.Stat st,
        Dictionary<ulong, string> links, CancellationToken cancel)
    {
        if (EntryType(st.Type) is not { } type) return; // sockets
        if (type == TarEntryType.Directory && !name.EndsWith('/')) name += "/";
        if (type == TarEntryType.RegularFile && st.Links > 1)
        {
            if (links.TryGetValue(st.Inode, out var first))
            {
                var hardLink = NewEntry(TarEntryType.HardLink, name, st);
                hardLink.LinkName = first;
                await writer.WriteEntryAsync(hardLink, cancel);
                return;
            }
            links[st.Inode] = name;
        }
        var entry = NewEntry(type, name, st);
        if (type == TarEntryType.SymbolicLink) entry.LinkName = new FileInfo(directory.PathOf(child)).LinkTarget ?? "";
        if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            entry.DeviceMajor = (int)st.RdevMajor;
            entry.DeviceMinor = (int)st.RdevMinor;
        }
        if (type != TarEntryType.RegularFile)
        {
            await writer.WriteEntryAsync(entry, cancel);
            return;
        }
        await using var data = OpenFile(directory.PathOf(child));
        if (data is null) return;
        entry.DataStream = new BoundedStream(data, st.Size);
        await writer.WriteEntryAsync(entry, cancel);
    }

    private static TarEntryType? EntryType(uint fileType) => fileType switch
    {
        Native.SIfDir => TarEntryType.Directory,
        Native.SIfReg => TarEntryType.RegularFile,
        Native.SIfLnk => TarEntryType.SymbolicLink,
        Native.SIfChr => TarEntryType.CharacterDevice,
        Native.SIfBlk => TarEntryType.BlockDevice,
        Native.SIfIfo => TarEntryType.Fifo,
        _ => null,
    };

    private static PaxTarEntry NewEntry(TarEntryType type, string name, Native.Stat st) => new(type, name)
    {
        Uid = st.Uid, Gid = st.Gid, Mode = (UnixFileMode)(st.Mode & 0xFFF), ModificationTime = st.Modified, UserName = "", GroupName = "",
    };

    /// <summary>Opens a regular file for reading without following a symlink that replaced it; null when it is gone.</summary>
    private static FileStream? OpenFile(string path)
    {
        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0) return Libc.Errno == Libc.ENOENT ? null : throw new SyscallException($"open {path}", Libc.Errno);
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1 << 16);
    }

    /// <summary>
    /// Exactly the size the header announced: a file a running container grows while it is archived is cut there, one it
    /// shrinks is padded with zeros, so the tar stays well-formed.
    /// </summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true; // the tar writer asks Length and Position; nothing ever moves it
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = length - _position;
            if (left <= 0) return 0;
            if (buffer.Length > left) buffer = buffer[..(int)left];
            var read = inner.Read(buffer);
            if (read == 0)
            {
                read = buffer.Length;
                buffer.Clear();
            }
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
        {
            var left = length - _position;
            if (left <= 0) return 0;
            if (buffer.Length > left) buffer = buffer[..(int)left];
            var read = await inner.ReadAsync(buffer, cancel);
            if (read == 0)
            {
                read = buffer.Length;
                buffer.Span.Clear();
            }
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
            ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) =>
            (origin == SeekOrigin.Current ? _position + offset : origin == SeekOrigin.Begin ? offset : length + offset) == _position
                ? _position : throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
