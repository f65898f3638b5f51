namespace Containers.Images.Registry;

/// <summary>Base for failures talking to a registry; the message names the registry.</summary>
public class RegistryException(string message, Exception? inner = null) : Exception(message, inner)
{
    public int? StatusCode { get; init; }
}

/// <summary>401/403 from a registry or its token service (missing or wrong credentials).</summary>
public sealed class RegistryAuthenticationException(string message) : RegistryException(message);

/// <summary>Manifest or blob not found (404).</summary>
public sealed class RegistryNotFoundException(string message) : RegistryException(message);

/// <summary>The registry could not be reached or kept failing after retries.</summary>
public sealed class RegistryUnavailableException(string message, Exception? inner = null) : RegistryException(message, inner);
