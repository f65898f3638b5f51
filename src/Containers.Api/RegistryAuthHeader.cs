using System.Text.Json;

namespace Containers.Api;

/// <summary>The <c>X-Registry-Auth</c> header: base64url of the AuthConfig JSON, as Docker's clients send it.</summary>
public static class RegistryAuthHeader
{
    public static string Encode(AuthConfig auth) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(auth, ApiJson.Context.AuthConfig))
            .Replace('+', '-').Replace('/', '_');

    public static AuthConfig? Decode(string header)
    {
        var text = header.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        return JsonSerializer.Deserialize(Convert.FromBase64String(text), ApiJson.Context.AuthConfig);
    }

    /// <summary>
    /// The registry a reference names, the way Docker decides it: the first path component when it looks like a
    /// host (has a dot or a port, or is localhost), else Docker Hub.
    /// </summary>
    public static string RegistryOf(string reference)
    {
        var slash = reference.IndexOf('/');
        if (slash < 0) return DockerHub;
        var first = reference[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? first : DockerHub;
    }

    public const string DockerHub = "docker.io";

    /// <summary>The server address Docker uses for Docker Hub credentials.</summary>
    public const string DockerHubServerAddress = "https://index.docker.io/v1/";
}
