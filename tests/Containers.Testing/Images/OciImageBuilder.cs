using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containers.Images.Tests.Infrastructure;

public enum LayerCompressionKind { Gzip, Zstd, None }

/// <summary>A layer to build: its uncompressed tar and how to compress it.</summary>
public sealed record LayerSpec(byte[] Tar, LayerCompressionKind Compression = LayerCompressionKind.Gzip)
{
    public string DiffId => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Tar));
}

/// <summary>One platform's image: layers plus the runtime config.</summary>
public sealed record ImageSpec(IReadOnlyList<LayerSpec> Layers, string Architecture = "amd64", string? Variant = null)
{
    public JsonObject ContainerConfig { get; init; } = new() { ["Cmd"] = new JsonArray("sh") };
    /// <summary>Overrides the config's diff_ids (to serve a deliberately wrong one).</summary>
    public IReadOnlyList<string>? DiffIdsOverride { get; init; }
}

/// <summary>
/// Writes OCI image layouts (oci-layout, index.json, blobs/) for skopeo to push: busybox-static based
/// layers with symlinks, hardlinks and whiteouts; gzip, zstd (the zstd CLI) or uncompressed.
/// </summary>
public static class OciImageBuilder
{
    public const string BusyboxPath = "/bin/busybox";

    /// <summary>Base layer: busybox, a symlink and a hardlink to it, and a nonce so every test's blobs are new.</summary>
    public static byte[] BusyboxLayer() => Tar(w =>
    {
        Dir(w, "bin/");
        var file = new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0b111_101_101 };
        file.DataStream = new MemoryStream(System.IO.File.ReadAllBytes(BusyboxPath));
        w.WriteEntry(file);
        w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/sh") { LinkName = "busybox" });
        // The applets the tests run as commands of their own (docker run IMAGE echo hi), as hard links like busybox --install.
        foreach (var applet in (string[])["ls", "cat", "echo", "sleep", "true"])
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "bin/" + applet) { LinkName = "bin/busybox" });
        Dir(w, "etc/");
        AddFile(w, "etc/nonce", Guid.NewGuid().ToString());
        AddFile(w, "etc/removed-later", "gone in the next layer");
        Dir(w, "var/cache/");
        AddFile(w, "var/cache/old", "hidden by an opaque whiteout");
    });

    /// <summary>A layer with a whiteout and an opaque directory over the base layer.</summary>
    public static byte[] WhiteoutLayer() => Tar(w =>
    {
        Dir(w, "etc/");
        AddFile(w, "etc/.wh.removed-later", "");
        Dir(w, "var/cache/");
        AddFile(w, "var/cache/.wh..wh..opq", "");
        AddFile(w, "var/cache/new", Guid.NewGuid().ToString());
    });

    public static byte[] RandomLayer(int bytes) => Tar(w =>
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        var e = new PaxTarEntry(TarEntryType.RegularFile, "data/random.bin") { DataStream = new MemoryStream(data) };
        w.WriteEntry(e);
    });

    public static byte[] Tar(Action<TarWriter> write)
    {
        var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true)) write(w);
        return ms.ToArray();
    }

    private static void Dir(TarWriter w, string name) => w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 });

    private static void AddFile(TarWriter w, string name, string content) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) });

    public static byte[] Compress(byte[] tar, LayerCompressionKind kind)
    {
        switch (kind)
        {
            case LayerCompressionKind.Gzip:
                var ms = new MemoryStream();
                using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(tar);
                return ms.ToArray();
            case LayerCompressionKind.Zstd:
                string tmp = Path.GetTempFileName();
                try
                {
                    System.IO.File.WriteAllBytes(tmp, tar);
                    ProcessRunner.Run("zstd", "-q", "-f", "-3", tmp, "-o", tmp + ".zst");
                    return System.IO.File.ReadAllBytes(tmp + ".zst");
                }
                finally { System.IO.File.Delete(tmp); System.IO.File.Delete(tmp + ".zst"); }
            default:
                return tar;
        }
    }

    public static string MediaType(LayerCompressionKind kind) => kind switch
    {
        LayerCompressionKind.Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        LayerCompressionKind.Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        _ => "application/vnd.oci.image.layer.v1.tar",
    };

    /// <summary>Writes the layout and returns the digest of what index.json's "tag" entry points to.</summary>
    public static string WriteLayout(string dir, string tag, params ImageSpec[] platforms)
    {
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        System.IO.File.WriteAllText(Path.Combine(dir, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var manifests = platforms.Select(p => WriteImage(dir, p)).ToList();
        JsonObject entry;
        if (platforms.Length == 1)
        {
            entry = manifests[0];
        }
        else
        {
            var index = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)m.DeepClone()).ToArray()),
            };
            entry = Blob(dir, "application/vnd.oci.image.index.v1+json", JsonSerializer.SerializeToUtf8Bytes(index));
        }
        entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag };
        var root = new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(entry) };
        System.IO.File.WriteAllText(Path.Combine(dir, "index.json"), root.ToJsonString());
        return entry["digest"]!.GetValue<string>();
    }

    private static JsonObject WriteImage(string dir, ImageSpec spec)
    {
        var layers = new JsonArray();
        foreach (var l in spec.Layers)
            layers.Add(Blob(dir, MediaType(l.Compression), Compress(l.Tar, l.Compression)));
        var history = new JsonArray();
        foreach (var (l, i) in spec.Layers.Select((l, i) => (l, i)))
            history.Add(new JsonObject { ["created"] = "2024-01-0" + (1 + i % 9) + "T00:00:00Z", ["created_by"] = $"layer {i}" });
        history.Add(new JsonObject { ["created"] = "2024-01-10T00:00:00Z", ["created_by"] = "CMD [\"sh\"]", ["empty_layer"] = true });
        var config = new JsonObject
        {
            ["architecture"] = spec.Architecture,
            ["os"] = "linux",
            ["created"] = "2024-01-10T00:00:00Z",
            ["config"] = spec.ContainerConfig.DeepClone(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray((spec.DiffIdsOverride ?? spec.Layers.Select(l => l.DiffId).ToList()).Select(d => (JsonNode)d!).ToArray()) },
            ["history"] = history,
        };
        if (spec.Variant is not null) config["variant"] = spec.Variant;
        var configDesc = Blob(dir, "application/vnd.oci.image.config.v1+json", JsonSerializer.SerializeToUtf8Bytes(config));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = configDesc,
            ["layers"] = layers,
        };
        var desc = Blob(dir, "application/vnd.oci.image.manifest.v1+json", JsonSerializer.SerializeToUtf8Bytes(manifest));
        var platform = new JsonObject { ["architecture"] = spec.Architecture, ["os"] = "linux" };
        if (spec.Variant is not null) platform["variant"] = spec.Variant;
        desc["platform"] = platform;
        return desc;
    }

    private static JsonObject Blob(string dir, string mediaType, byte[] data)
    {
        string hex = Convert.ToHexStringLower(SHA256.HashData(data));
        System.IO.File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", hex), data);
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = "sha256:" + hex, ["size"] = data.Length };
    }
}

/// <summary>Pushes layouts with skopeo, the independent producer.</summary>
public static class Skopeo
{
    public static void Push(string layoutDir, string tag, string destination, params string[] extra)
    {
        var args = new List<string> { "copy", "--quiet", "--dest-tls-verify=false" };
        args.AddRange(extra);
        args.Add($"oci:{layoutDir}:{tag}");
        args.Add($"docker://{destination}");
        ProcessRunner.Run("skopeo", args.ToArray());
    }
}
