using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>The body of <c>POST /containers/{id}/exec</c> (Docker's ExecConfig).</summary>
public sealed class ExecCreateRequest
{
    public string User { get; set; } = "";
    public bool Privileged { get; set; }
    public bool Tty { get; set; }
    /// <summary>Height and width of the terminal at start (API 1.42+), or null.</summary>
    public uint[]? ConsoleSize { get; set; }
    public bool AttachStdin { get; set; }
    public bool AttachStderr { get; set; }
    public bool AttachStdout { get; set; }
    public bool Detach { get; set; }
    public string DetachKeys { get; set; } = "";
    public List<string>? Env { get; set; }
    public string WorkingDir { get; set; } = "";
    public List<string>? Cmd { get; set; }
}

/// <summary>The answer of <c>POST /containers/{id}/exec</c>.</summary>
public sealed class ExecCreateResponse
{
    public string Id { get; set; } = "";
}

/// <summary>The body of <c>POST /exec/{id}/start</c> (Docker's ExecStartCheck).</summary>
public sealed class ExecStartRequest
{
    public bool Detach { get; set; }
    public bool Tty { get; set; }
    public uint[]? ConsoleSize { get; set; }
}

/// <summary><c>GET /exec/{id}/json</c>, in dockerd's field order.</summary>
public sealed class ExecInspect
{
    public string ID { get; set; } = "";
    public bool Running { get; set; }
    /// <summary>Null until the process has ended (or failed to start).</summary>
    public int? ExitCode { get; set; }
    public ExecProcessConfig ProcessConfig { get; set; } = new();
    public bool OpenStdin { get; set; }
    public bool OpenStderr { get; set; }
    public bool OpenStdout { get; set; }
    public bool CanRemove { get; set; }
    public string ContainerID { get; set; } = "";
    /// <summary>The detach keys asked for at create, as bytes (Go's []byte: base64 in JSON); empty for the default.</summary>
    public byte[] DetachKeys { get; set; } = [];
    public int Pid { get; set; }
}

public sealed class ExecProcessConfig
{
    [JsonPropertyName("tty")] public bool Tty { get; set; }
    [JsonPropertyName("entrypoint")] public string Entrypoint { get; set; } = "";
    [JsonPropertyName("arguments")] public List<string> Arguments { get; set; } = [];
    [JsonPropertyName("privileged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Privileged { get; set; }
    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public string? User { get; set; }
}
