using System.Net;

namespace Containers.Client;

/// <summary>The engine answered with an error: its HTTP status and its message.</summary>
public class ContainersEngineException(HttpStatusCode statusCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    internal static ContainersEngineException From(HttpStatusCode status, string message) => status switch
    {
        HttpStatusCode.BadRequest => new ContainersInvalidRequestException(message),
        HttpStatusCode.NotFound => new ContainersNotFoundException(message),
        HttpStatusCode.Conflict => new ContainersConflictException(message),
        _ => new ContainersEngineException(status, message),
    };
}

/// <summary>400: the request was malformed or named an invalid value.</summary>
public sealed class ContainersInvalidRequestException(string message) : ContainersEngineException(HttpStatusCode.BadRequest, message);

/// <summary>404: no such object (container, image, volume...).</summary>
public sealed class ContainersNotFoundException(string message) : ContainersEngineException(HttpStatusCode.NotFound, message);

/// <summary>409: the object is in a state that forbids the operation (in use, already exists...).</summary>
public sealed class ContainersConflictException(string message) : ContainersEngineException(HttpStatusCode.Conflict, message);

/// <summary>The engine could not be reached at all.</summary>
public sealed class ContainersEngineUnavailableException(EngineEndpoint endpoint, Exception inner)
    : ContainersEngineException(HttpStatusCode.ServiceUnavailable,
        $"cannot connect to the container engine at {endpoint}: {inner.Message}. Is containers-engine running?", inner)
{
    public EngineEndpoint Endpoint { get; } = endpoint;
}
