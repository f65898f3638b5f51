using System.Text.Json.Serialization;
using Containers.Images.Manifests;

namespace Containers.Images.Store;

/// <summary>One layer of an image: its blob, and the IDs of its uncompressed content.</summary>
public sealed record LayerRecord
{
    public required string Digest { get; init; }
    public required string MediaType { get; init; }
    /// <summary>Compressed (blob) size.</summary>
    public long Size { get; init; }
    public required string DiffId { get; init; }
    public required string ChainId { get; init; }
    /// <summary>Size of the uncompressed tar (0 when unknown).</summary>
    public long UncompressedSize { get; init; }
}

/// <summary>An image, keyed by the digest of its config (Docker's image ID).</summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }
    /// <summary>Digest of the platform-specific manifest the image came from.</summary>
    public required string ManifestDigest { get; init; }
    public required string ManifestMediaType { get; init; }
    public required ImageConfig Config { get; init; }
    public required List<LayerRecord> Layers { get; init; }
    /// <summary>Sum of compressed layer sizes plus config (bytes fetched for it).</summary>
    public long ContentSize { get; init; }
    /// <summary>Sum of uncompressed layer sizes (what Docker reports as Size).</summary>
    public long Size { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset PulledAt { get; init; }

    [JsonIgnore] public string ShortId => Id[(Id.IndexOf(':') + 1)..][..12];
    [JsonIgnore] public IReadOnlyDictionary<string, string> Labels => Config.Config?.Labels ?? new Dictionary<string, string>();
}

/// <summary>A reference and what it points to (tags and digests both).</summary>
public sealed record ReferenceEntry(string ImageId, string ManifestDigest);

/// <summary>What `docker image inspect` and `docker images` need for one image.</summary>
public sealed record ImageSummary(ImageRecord Image, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests);

/// <summary>One line of a delete response: {"Untagged": ref} or {"Deleted": id}.</summary>
public sealed record DeleteResponseItem(
    [property: JsonPropertyName("Untagged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Untagged,
    [property: JsonPropertyName("Deleted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Deleted);

/// <summary>A line of `docker history`.</summary>
public sealed record HistoryItem(string Id, DateTimeOffset? Created, string CreatedBy, long Size, string Comment, IReadOnlyList<string> Tags);

/// <summary>A container that uses an image, as the engine reports it for delete conflicts.</summary>
public sealed record ImageUser(string ContainerId, bool Running);

/// <summary>409-class failures (image in use, referenced in several repositories).</summary>
public sealed class ImageConflictException(string message) : Exception(message);

public sealed class ImageNotFoundException(string message) : Exception(message);
