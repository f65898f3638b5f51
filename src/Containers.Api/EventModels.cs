using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>One message of <c>GET /events</c>, in Docker's shape.</summary>
public sealed class EventMessage
{
    public string Type { get; set; } = "";
    public string Action { get; set; } = "";
    public EventActor Actor { get; set; } = new();

    [JsonPropertyName("scope")]
    public string Scope { get; set; } = "local";

    [JsonPropertyName("time")]
    public long Time { get; set; }

    [JsonPropertyName("timeNano")]
    public long TimeNano { get; set; }

    // The fields dockerd still fills for container and image events before API 1.52 (deprecated there, but the
    // docker CLI 28 renders them: `docker events --format '{{.Status}}'`). Absent for other types, as dockerd's.

    /// <summary>Deprecated: the action, for container and image events.</summary>
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; set; }

    /// <summary>Deprecated: the actor's ID, for container and image events.</summary>
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }

    /// <summary>Deprecated: the container's image, for container events.</summary>
    [JsonPropertyName("from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; set; }
}

public sealed class EventActor
{
    public string ID { get; set; } = "";
    public Dictionary<string, string> Attributes { get; set; } = [];
}

/// <summary>The event types Docker defines (the <c>type</c> filter's values).</summary>
public static class EventTypes
{
    public const string Container = "container";
    public const string Image = "image";
    public const string Volume = "volume";
    public const string Network = "network";
    public const string Daemon = "daemon";
}
