using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Containers.Images.Compression;
using SharpCompress.Common;
using SharpCompress.Readers;
using ScTar = SharpCompress.Readers.Tar.TarReader;

// tar-bench LAYER.tar [RUNS]: System.Formats.Tar (what the snapshotter uses) vs SharpCompress on one layer, warm cache.
// LAYER.tar.gz and LAYER.tar.zst must sit beside LAYER.tar (run.sh makes all three). Prints medians and ratios.
if (args.Length < 1) { Console.Error.WriteLine("usage: tar-bench LAYER.tar [RUNS]"); return 2; }
string tar = Path.GetFullPath(args[0]);
int runs = args.Length > 1 ? int.Parse(args[1]) : 5;
Console.WriteLine($"layer: {tar} ({new FileInfo(tar).Length / 1048576.0:F0} MiB, {Bcl(tar, _ => { }).entries} entries), {runs} runs, median");
Console.WriteLine($"{"task",-34} {"System.Formats.Tar",18} {"SharpCompress",14} {"ratio SC/BCL",13}");

Compare("read entries + data (plain tar)", () => Bcl(tar, s => s.CopyTo(Stream.Null)), () => Sc(tar, s => s.CopyTo(Stream.Null)));
Compare("read entries + data (tar.gz)", () => Bcl(tar + ".gz", s => s.CopyTo(Stream.Null), gz: true),
    () => Sc(tar + ".gz", s => s.CopyTo(Stream.Null)));
Compare("zstd decompress (libzstd vs managed)", () => Copy(new ZstdDecompressionStream(File.OpenRead(tar + ".zst"))),
    () => Copy(new SharpCompress.Compressors.ZStandard.DecompressionStream(File.OpenRead(tar + ".zst"), 1 << 17, false, false)));
// Both readers feed the same writer, so only the reading differs. SharpCompress's entry has no type beyond
// IsDirectory/LinkTarget (nor mode, owner, device numbers or PAX xattrs), so a hard link is written as a symlink there.
Compare("unpack to a directory (plain tar)",
    () => Extract(dir =>
    {
        using var reader = new TarReader(File.OpenRead(tar));
        while (reader.GetNextEntry() is { } e)
            Write(dir, e.Name, e.EntryType switch
            {
                TarEntryType.Directory => 'd', TarEntryType.SymbolicLink => 'l', TarEntryType.HardLink => 'h',
                TarEntryType.RegularFile or TarEntryType.V7RegularFile => 'f', _ => '?',
            }, e.LinkName, e.DataStream);
    }),
    () => Extract(dir =>
    {
        using var reader = ScTar.OpenReader(File.OpenRead(tar), new ReaderOptions());
        while (reader.MoveToNextEntry())
        {
            var e = reader.Entry;
            if (e.IsDirectory) Write(dir, e.Key!, 'd', null, null);
            else if (e.LinkTarget is { Length: > 0 } target) Write(dir, e.Key!, 'l', target, null);
            else { using var data = reader.OpenEntryStream(); Write(dir, e.Key!, 'f', null, data); }
        }
    }));

// Strictness: what each reader does with a damaged layer (a registry or a disk can hand us one).
byte[] whole = File.ReadAllBytes(tar);
byte[] truncated = whole[..(whole.Length / 2 / 512 * 512 + 100)];   // cut in the middle of an entry's data
byte[] badChecksum = (byte[])whole.Clone();
badChecksum[FindHeader(badChecksum, 10) + 148] ^= 0x01;            // one bit of the 11th header's checksum field
Console.WriteLine();
Console.WriteLine($"{"damaged layer",-34} {"System.Formats.Tar",-30} {"SharpCompress",-30}");
Strict("truncated mid-entry", truncated);
Strict("header checksum off by one bit", badChecksum);
return 0;

void Compare(string task, Action bcl, Action sc)
{
    bcl(); sc(); // warm up: JIT and page cache
    double b = Median(bcl), s = Median(sc);
    Console.WriteLine($"{task,-34} {b,15:F0} ms {s,11:F0} ms {s / b,12:F2}x");
}

double Median(Action f)
{
    var times = new List<double>();
    for (int i = 0; i < runs; i++) { var sw = Stopwatch.StartNew(); f(); times.Add(sw.Elapsed.TotalMilliseconds); }
    times.Sort();
    return times[times.Count / 2];
}

static (long bytes, int entries) Bcl(string path, Action<Stream> data, bool gz = false)
{
    using Stream file = File.OpenRead(path);
    using Stream input = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
    using var reader = new TarReader(input);
    long bytes = 0; int entries = 0;
    while (reader.GetNextEntry() is { } e)
    {
        entries++;
        if (e.DataStream is { } s) { bytes += e.Length; data(s); }
    }
    return (bytes, entries);
}

static long Sc(string path, Action<Stream> data)
{
    // ReaderFactory detects gzip itself and uses SharpCompress's own inflater.
    using var reader = ReaderFactory.OpenReader(File.OpenRead(path), new ReaderOptions());
    long bytes = 0;
    while (reader.MoveToNextEntry())
        if (!reader.Entry.IsDirectory) { using var s = reader.OpenEntryStream(); bytes += reader.Entry.Size; data(s); }
    return bytes;
}

static void Write(string dir, string name, char kind, string? link, Stream? data)
{
    string path = Path.Combine(dir, name.TrimStart('/'));
    switch (kind)
    {
        case 'd': Directory.CreateDirectory(path); break;
        case 'l': Directory.CreateDirectory(Path.GetDirectoryName(path)!); File.CreateSymbolicLink(path, link!); break;
        case 'h': Directory.CreateDirectory(Path.GetDirectoryName(path)!); Containers.Interop.Libc.link(Path.Combine(dir, link!), path); break;
        case 'f':
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var file = File.Create(path)) data?.CopyTo(file);
            break;
    }
}

static long Copy(Stream s) { using (s) { s.CopyTo(Stream.Null); return 0; } }

static long Extract(Action<string> extract)
{
    string dir = Directory.CreateTempSubdirectory("tar-bench-").FullName;
    try { extract(dir); return 0; }
    finally { Directory.Delete(dir, recursive: true); }
}

static int FindHeader(byte[] data, int n)
{
    // Walk ustar headers: 512-byte header, then the data rounded up to 512.
    int offset = 0;
    for (int i = 0; i < n; i++)
    {
        long size = Convert.ToInt64(System.Text.Encoding.ASCII.GetString(data, offset + 124, 11).Trim('\0', ' ') is { Length: > 0 } o ? o : "0", 8);
        offset += 512 + (int)((size + 511) / 512 * 512);
    }
    return offset;
}

static void Strict(string what, byte[] data)
{
    Console.WriteLine($"{what,-34} {Outcome(() => Bcl(data, isBcl: true)),-30} {Outcome(() => Bcl(data, isBcl: false)),-30}");

    static string Outcome(Func<int> read)
    {
        try { return $"accepted ({read()} entries)"; }
        catch (Exception e) { return $"refused ({e.GetType().Name})"; }
    }

    static int Bcl(byte[] data, bool isBcl)
    {
        int entries = 0;
        if (isBcl)
        {
            using var reader = new TarReader(new MemoryStream(data));
            while (reader.GetNextEntry() is { } e) { entries++; e.DataStream?.CopyTo(Stream.Null); }
        }
        else
        {
            using var reader = ScTar.OpenReader(new MemoryStream(data), new ReaderOptions());
            while (reader.MoveToNextEntry()) { entries++; if (!reader.Entry.IsDirectory) reader.OpenEntryStream().CopyTo(Stream.Null); }
        }
        return entries;
    }
}
