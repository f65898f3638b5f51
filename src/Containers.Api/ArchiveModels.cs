using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>
/// What <c>HEAD</c>/<c>GET /containers/{id}/archive</c> send, base64-encoded JSON, in the
/// <c>X-Docker-Container-Path-Stat</c> header. <see cref="Mode"/> is Go's <c>os.FileMode</c> (permission bits plus type
/// bits such as 1&lt;&lt;31 for a directory and 1&lt;&lt;27 for a symlink), which is how the docker CLI reads it.
/// </summary>
public sealed class ContainerPathStat
{
    public const string Header = "X-Docker-Container-Path-Stat";

    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("size")] public long Size { get; set; }
    [JsonPropertyName("mode")] public uint Mode { get; set; }
    [JsonPropertyName("mtime")] public string Mtime { get; set; } = "";
    [JsonPropertyName("linkTarget")] public string LinkTarget { get; set; } = "";

    [JsonIgnore] public bool IsDirectory => (Mode & GoFileMode.Directory) != 0;

    [JsonIgnore] public bool IsSymlink => (Mode & GoFileMode.Symlink) != 0;
}

/// <summary>The type bits of Go's <c>os.FileMode</c> that Docker's path stat uses.</summary>
public static class GoFileMode
{
    public const uint Directory = 1u << 31, Symlink = 1u << 27, Device = 1u << 26, NamedPipe = 1u << 25, Socket = 1u << 24,
        Setuid = 1u << 23, Setgid = 1u << 22, CharDevice = 1u << 21, Sticky = 1u << 20;
}
