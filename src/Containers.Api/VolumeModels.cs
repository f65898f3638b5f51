using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>A named volume, as <c>GET /volumes/{name}</c> returns it.</summary>
public sealed class Volume
{
    public string Name { get; set; } = "";
    public string Driver { get; set; } = "local";
    public string Mountpoint { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public Dictionary<string, string> Labels { get; set; } = [];
    public string Scope { get; set; } = "local";
    public Dictionary<string, string> Options { get; set; } = [];
    /// <summary>Only in <c>GET /system/df</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VolumeUsageData? UsageData { get; set; }
}

/// <summary>A volume's disk usage: bytes of its content (-1 when not computed) and the containers referring to it.</summary>
public sealed class VolumeUsageData
{
    public long Size { get; set; }
    public long RefCount { get; set; }
}

/// <summary>Body of <c>POST /volumes/create</c>.</summary>
public sealed class VolumeCreateRequest
{
    public string? Name { get; set; }
    public string? Driver { get; set; }
    public Dictionary<string, string>? DriverOpts { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

/// <summary>Body of <c>GET /volumes</c>.</summary>
public sealed class VolumeListResponse
{
    public List<Volume> Volumes { get; set; } = [];
    public List<string> Warnings { get; set; } = [];
}

/// <summary>Body of <c>POST /volumes/prune</c>.</summary>
public sealed class VolumePruneResponse
{
    public List<string> VolumesDeleted { get; set; } = [];
    public long SpaceReclaimed { get; set; }
}
