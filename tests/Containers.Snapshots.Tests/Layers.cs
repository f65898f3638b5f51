using System.Formats.Tar;
using System.Security.Cryptography;

namespace Containers.Snapshots.Tests;

/// <summary>Builds layer tars in memory, entry by entry, the way image builders write them.</summary>
public sealed class Layer
{
    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;

    public Layer() => _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);

    public static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public Layer Dir(string name, int mode = 0x1ED /* 0755 */, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)mode, Uid = uid, Gid = gid, ModificationTime = Time });

    public Layer File(string name, string content, int mode = 0x1A4 /* 0644 */, int uid = 0, int gid = 0, Dictionary<string, string>? pax = null)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name, pax ?? [])
        {
            Mode = (UnixFileMode)mode, Uid = uid, Gid = gid, ModificationTime = Time,
            DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
        };
        return Add(entry);
    }

    public Layer Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Time, Mode = (UnixFileMode)0x1FF });

    public Layer HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time });

    public Layer CharDevice(string name, int major, int minor) =>
        Add(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0x1B6, ModificationTime = Time });

    public Layer Fifo(string name) => Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = (UnixFileMode)0x1A4, ModificationTime = Time });

    public Layer Raw(TarEntry entry) => Add(entry);

    private Layer Add(TarEntry entry)
    {
        _writer.WriteEntry(entry);
        return this;
    }

    public byte[] Bytes()
    {
        _writer.Dispose();
        return _buffer.ToArray();
    }

    public MemoryStream Stream() => new(Bytes());

    public static string DiffId(byte[] tar) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));
}

/// <summary>The snapshot tests' name for the shared temporary directory (which unmounts what is left mounted below it).</summary>
public sealed class Scratch : TempDirectory;
