using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Session;

/// <summary>
/// The engine the cmdlets talk to in this PowerShell process: set by Connect-ContainerEngine, else resolved
/// from CONTAINERS_HOST or the default socket. One client is kept and reused (its connection pool too).
/// </summary>
internal static class EngineSession
{
    private static readonly object Gate = new();
    private static ContainersClient? _client;

    public static ContainersClient Client
    {
        get
        {
            lock (Gate) return _client ??= new ContainersClient(EngineEndpoint.Resolve());
        }
    }

    private static readonly Dictionary<string, AuthConfig> Credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Remembers registry credentials for this session (Connect-ContainerRegistry), keyed by registry host.</summary>
    public static void SaveCredential(string registry, AuthConfig auth)
    {
        lock (Gate) Credentials[registry] = auth;
    }

    /// <summary>The session's credentials for the registry a reference names, if any.</summary>
    public static AuthConfig? CredentialFor(string reference)
    {
        lock (Gate) return Credentials.GetValueOrDefault(RegistryAuthHeader.RegistryOf(reference));
    }

    public static void Connect(ContainersClient client)
    {
        lock (Gate)
        {
            _client?.Dispose();
            _client = client;
        }
    }
}
