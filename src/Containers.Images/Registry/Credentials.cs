using System.Text;
using System.Text.Json;

namespace Containers.Images.Registry;

/// <summary>A username and secret for one registry. ToString never reveals the secret.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = *** }}";

    internal string BasicHeaderValue => Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));
}

/// <summary>Where the registry client looks up credentials for a registry host ("docker.io", "host:port").</summary>
public interface ICredentialProvider
{
    RegistryCredentials? GetCredentials(string registryHost);
}

/// <summary>Registry keys as Docker writes them ("https://index.docker.io/v1/", "http://host:5000", "host:5000") reduced to a host.</summary>
public static class RegistryHostName
{
    public static string Normalize(string key)
    {
        string k = key.Trim();
        int scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) k = k[(scheme + 3)..];
        int slash = k.IndexOf('/');
        if (slash >= 0) k = k[..slash];
        k = k.ToLowerInvariant();
        return k is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? "docker.io" : k;
    }
}

/// <summary>Credentials kept in memory: from POST /auth (docker login) or a cmdlet's -Credential.</summary>
public sealed class InMemoryCredentialProvider : ICredentialProvider
{
    private readonly Dictionary<string, RegistryCredentials> _byHost = new(StringComparer.Ordinal);

    public void Set(string registry, RegistryCredentials credentials)
    {
        lock (_byHost) _byHost[RegistryHostName.Normalize(registry)] = credentials;
    }

    public bool Remove(string registry)
    {
        lock (_byHost) return _byHost.Remove(RegistryHostName.Normalize(registry));
    }

    public RegistryCredentials? GetCredentials(string registryHost)
    {
        lock (_byHost) return _byHost.GetValueOrDefault(RegistryHostName.Normalize(registryHost));
    }
}

/// <summary>Reads the "auths" section of a Docker client config.json (base64 "auth" or username/password).</summary>
public sealed class DockerConfigCredentialProvider(string configPath) : ICredentialProvider
{
    /// <summary>$DOCKER_CONFIG/config.json, else ~/.docker/config.json.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");

    public RegistryCredentials? GetCredentials(string registryHost)
    {
        if (!File.Exists(configPath)) return null;
        string host = RegistryHostName.Normalize(registryHost);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(configPath)); }
        catch (JsonException e) { throw new InvalidDataException($"docker config {configPath} is not valid JSON: {e.Message}"); }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
            foreach (var entry in auths.EnumerateObject())
            {
                if (RegistryHostName.Normalize(entry.Name) != host || entry.Value.ValueKind != JsonValueKind.Object) continue;
                if (entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } b64)
                {
                    string decoded;
                    try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(b64)); }
                    catch (FormatException) { throw new InvalidDataException($"docker config {configPath}: \"auth\" for {entry.Name} is not valid base64"); }
                    int colon = decoded.IndexOf(':');
                    if (colon < 0) throw new InvalidDataException($"docker config {configPath}: \"auth\" for {entry.Name} is not \"user:password\"");
                    return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
                }
                if (entry.Value.TryGetProperty("username", out var u) && entry.Value.TryGetProperty("password", out var p))
                    return new RegistryCredentials(u.GetString() ?? "", p.GetString() ?? "");
            }
            return null;
        }
    }
}

/// <summary>First provider that knows the host wins (e.g. explicit logins before config.json).</summary>
public sealed class ChainedCredentialProvider(params ICredentialProvider[] providers) : ICredentialProvider
{
    public RegistryCredentials? GetCredentials(string registryHost)
    {
        foreach (var p in providers)
            if (p.GetCredentials(registryHost) is { } c) return c;
        return null;
    }
}
