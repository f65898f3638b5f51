using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>One row of <c>GET /images/json</c>.</summary>
public sealed class ImageSummary
{
    public string Id { get; set; } = "";
    public string ParentId { get; set; } = "";
    public List<string> RepoTags { get; set; } = [];
    public List<string> RepoDigests { get; set; } = [];
    /// <summary>Unix seconds.</summary>
    public long Created { get; set; }
    public long Size { get; set; }
    public long SharedSize { get; set; } = -1;
    public Dictionary<string, string> Labels { get; set; } = [];
    public int Containers { get; set; } = -1;
}

/// <summary><c>GET /images/{name}/json</c>.</summary>
public sealed class ImageInspect
{
    public string Id { get; set; } = "";
    public List<string> RepoTags { get; set; } = [];
    public List<string> RepoDigests { get; set; } = [];
    public string Parent { get; set; } = "";
    public string Comment { get; set; } = "";
    /// <summary>RFC 3339.</summary>
    public string Created { get; set; } = "";
    public string DockerVersion { get; set; } = "";
    public string Author { get; set; } = "";
    public ImageConfig Config { get; set; } = new();
    public string Architecture { get; set; } = "";
    public string? Variant { get; set; }
    public string Os { get; set; } = "";
    public string? OsVersion { get; set; }
    public long Size { get; set; }
    public GraphDriverData GraphDriver { get; set; } = new();
    public RootFs RootFS { get; set; } = new();
    public ImageMetadata Metadata { get; set; } = new();
}

/// <summary>The runtime defaults an image carries (the OCI image config's <c>config</c>).</summary>
public sealed class ImageConfig
{
    public string User { get; set; } = "";
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Cmd { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    public bool? ArgsEscaped { get; set; }
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string WorkingDir { get; set; } = "";
    public List<string>? Entrypoint { get; set; }
    public List<string>? OnBuild { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public string? StopSignal { get; set; }
    public List<string>? Shell { get; set; }
}

/// <summary>Docker writes sets (ports, volumes) as maps to <c>{}</c>.</summary>
public sealed class EmptyObject;

public sealed class HealthConfig
{
    public List<string>? Test { get; set; }
    public long Interval { get; set; }
    public long Timeout { get; set; }
    public long StartPeriod { get; set; }
    public long StartInterval { get; set; }
    public int Retries { get; set; }
}

public sealed class GraphDriverData
{
    public string Name { get; set; } = "";
    public Dictionary<string, string> Data { get; set; } = [];
}

public sealed class RootFs
{
    public string Type { get; set; } = "layers";
    public List<string> Layers { get; set; } = [];
}

public sealed class ImageMetadata
{
    public string? LastTagTime { get; set; }
}

/// <summary>One row of <c>GET /images/{name}/history</c>.</summary>
public sealed class ImageHistoryItem
{
    public string Id { get; set; } = "<missing>";
    public long Created { get; set; }
    public string CreatedBy { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public long Size { get; set; }
    public string Comment { get; set; } = "";
}

/// <summary>One row of <c>DELETE /images/{name}</c>: each entry either untags or deletes.</summary>
public sealed class ImageDeleteItem
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Untagged { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Deleted { get; set; }
}

/// <summary><c>POST /images/prune</c>.</summary>
public sealed class ImagePruneResponse
{
    public List<ImageDeleteItem> ImagesDeleted { get; set; } = [];
    public long SpaceReclaimed { get; set; }
}

/// <summary>
/// Registry credentials: the body of <c>POST /auth</c>, and (base64url JSON) the <c>X-Registry-Auth</c> header.
/// Docker spells these fields in lower case.
/// </summary>
public sealed class AuthConfig
{
    [JsonPropertyName("username")] public string? Username { get; set; }
    [JsonPropertyName("password")] public string? Password { get; set; }
    [JsonPropertyName("auth")] public string? Auth { get; set; }
    [JsonPropertyName("email")] public string? Email { get; set; }
    [JsonPropertyName("serveraddress")] public string? ServerAddress { get; set; }
    [JsonPropertyName("identitytoken")] public string? IdentityToken { get; set; }
    [JsonPropertyName("registrytoken")] public string? RegistryToken { get; set; }
}

/// <summary>The answer of <c>POST /auth</c>.</summary>
public sealed class AuthResponse
{
    public string Status { get; set; } = "";
    public string IdentityToken { get; set; } = "";
}

/// <summary>
/// One line of a streaming progress response (pull, push, load): Docker's JSONMessage. Lower-case names as Docker sends them.
/// </summary>
public sealed class ProgressMessage
{
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; set; }

    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    [JsonPropertyName("progressDetail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProgressDetail? ProgressDetail { get; set; }

    /// <summary>The rendered bar, for old clients; the CLI draws its own from progressDetail.</summary>
    [JsonPropertyName("progress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Progress { get; set; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }

    [JsonPropertyName("errorDetail")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ErrorDetail? ErrorDetail { get; set; }
}

public sealed class ProgressDetail
{
    [JsonPropertyName("current")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Current { get; set; }

    [JsonPropertyName("total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Total { get; set; }
}

public sealed class ErrorDetail
{
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}

/// <summary><c>GET /distribution/{name}/json</c>: what the registry has for a reference, without pulling it.</summary>
public sealed class DistributionInspect
{
    public OciDescriptor Descriptor { get; set; } = new();
    public List<OciPlatform> Platforms { get; set; } = [];
}

public sealed class OciDescriptor
{
    [JsonPropertyName("mediaType")] public string MediaType { get; set; } = "";
    [JsonPropertyName("digest")] public string Digest { get; set; } = "";
    [JsonPropertyName("size")] public long Size { get; set; }
}

public sealed class OciPlatform
{
    [JsonPropertyName("architecture")] public string Architecture { get; set; } = "";
    [JsonPropertyName("os")] public string Os { get; set; } = "";

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OsVersion { get; set; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; set; }
}
