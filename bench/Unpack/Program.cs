using System.Text.Json;
using Containers.Images.Compression;
using Containers.Images.Pull;
using Containers.Snapshots;

// Usage: unpack-bench OCI_LAYOUT TAG SNAPSHOT_ROOT [overlay|native]
// Unpacks every layer of the tagged image into a fresh snapshotter, in order, as the engine does after downloading.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: unpack-bench OCI_LAYOUT TAG SNAPSHOT_ROOT [overlay|native]");
    return 2;
}
var (layout, tag, root) = (args[0], args[1], args[2]);
Snapshotter snapshotter = args.Length > 3 && args[3] == "native" ? new NativeSnapshotter(root) : new OverlaySnapshotter(root);

JsonElement Blob(string digest) => JsonDocument.Parse(File.ReadAllBytes(BlobPath(digest))).RootElement;
string BlobPath(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json"))).RootElement;
var manifestDigest = index.GetProperty("manifests").EnumerateArray()
    .First(m => m.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString() == tag)
    .GetProperty("digest").GetString()!;
var manifest = Blob(manifestDigest);
var config = Blob(manifest.GetProperty("config").GetProperty("digest").GetString()!);
var diffIds = config.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()!).ToList();
var chainIds = ChainId.Compute(diffIds);
var layers = manifest.GetProperty("layers").EnumerateArray().ToList();

string? parent = null;
for (var i = 0; i < layers.Count; i++)
{
    await using var blob = File.OpenRead(BlobPath(layers[i].GetProperty("digest").GetString()!));
    await using var tar = LayerCompression.Decompress(blob, layers[i].GetProperty("mediaType").GetString()!);
    await snapshotter.CommitLayerAsync(chainIds[i], parent, tar);
    parent = chainIds[i];
}
Console.WriteLine($"{layers.Count} layers unpacked into {root} ({snapshotter.Driver})");
return 0;
