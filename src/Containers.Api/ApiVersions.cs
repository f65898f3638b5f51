namespace Containers.Api;

/// <summary>The Docker Engine API versions this engine speaks.</summary>
public static class ApiVersions
{
    /// <summary>The API version whose fields we implement (Docker Engine 27.x).</summary>
    public const string Current = "1.47";

    /// <summary>The oldest API version we still accept, as Docker does.</summary>
    public const string Minimum = "1.24";
}
