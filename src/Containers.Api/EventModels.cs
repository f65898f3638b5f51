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
