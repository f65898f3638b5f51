using System.Text.Json;

namespace Containers.Images.Manifests;

/// <summary>A manifest document whose kind could not be used.</summary>
public sealed class UnsupportedManifestException(string message) : Exception(message);

/// <summary>Either an index (list of platform manifests) or a single image manifest.</summary>
public sealed record ParsedManifest(string MediaType, ImageIndex? Index, ImageManifest? Manifest);

public static class ManifestParser
{
    public const int MaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Classifies and parses manifest bytes. The media type comes from the document's own "mediaType"
    /// field when present, else from the HTTP Content-Type, else from its shape.
    /// </summary>
    public static ParsedManifest Parse(ReadOnlySpan<byte> bytes, string? contentType, string what)
    {
        if (bytes.Length > MaxManifestBytes)
            throw new UnsupportedManifestException($"manifest for {what} is {bytes.Length} bytes, larger than the {MaxManifestBytes} byte limit");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.ToArray()); }
        catch (JsonException e) { throw new UnsupportedManifestException($"manifest for {what} is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new UnsupportedManifestException($"manifest for {what} is not a JSON object");
            string? declared = root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            int schemaVersion = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number ? sv.GetInt32() : 0;
            string? header = contentType?.Split(';')[0].Trim();
            if (schemaVersion == 1 || (declared is not null && MediaTypes.IsSchema1(declared)) || (header is not null && MediaTypes.IsSchema1(header)))
                throw new UnsupportedManifestException(
                    $"{what} uses a Docker image manifest version 2, schema 1, which is not supported; the image must be re-pushed as OCI or Docker schema 2");
            string mediaType = declared
                ?? (header is not null && (MediaTypes.IsIndex(header) || MediaTypes.IsManifest(header)) ? header : null)
                ?? (root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : root.TryGetProperty("config", out _) ? MediaTypes.OciManifest : "");
            if (schemaVersion != 2)
                throw new UnsupportedManifestException($"manifest for {what} has unsupported schemaVersion {schemaVersion}");
            if (MediaTypes.IsIndex(mediaType))
            {
                var index = root.Deserialize<ImageIndex>()!;
                return new ParsedManifest(mediaType, index, null);
            }
            if (MediaTypes.IsManifest(mediaType))
            {
                var manifest = root.Deserialize<ImageManifest>()!;
                if (string.IsNullOrEmpty(manifest.Config.Digest))
                    throw new UnsupportedManifestException($"manifest for {what} has no config descriptor");
                foreach (var l in manifest.Layers)
                    if (!MediaTypes.IsLayer(l.MediaType))
                        throw new UnsupportedManifestException($"manifest for {what} has a layer {l.Digest} of unsupported media type \"{l.MediaType}\"");
                return new ParsedManifest(mediaType, null, manifest);
            }
            throw new UnsupportedManifestException($"manifest for {what} has unsupported media type \"{mediaType}\"");
        }
    }

    /// <summary>Picks the best entry for <paramref name="wanted"/>; Docker's message when none fits.</summary>
    public static Descriptor SelectPlatform(ImageIndex index, Platform wanted)
    {
        Descriptor? best = null;
        int bestRank = int.MaxValue;
        foreach (var d in index.Manifests)
        {
            if (!MediaTypes.IsManifest(d.MediaType) || d.Platform is null) continue;
            int? rank = wanted.MatchRank(d.Platform);
            if (rank is int r && r < bestRank) { best = d; bestRank = r; }
        }
        return best ?? throw new PlatformNotFoundException(
            $"no matching manifest for {Platform.Normalize(wanted)} in the manifest list entries");
    }
}

public sealed class PlatformNotFoundException(string message) : Exception(message);
