namespace Containers.Engine.Api;

/// <summary>
/// An HTTP-level error with an explicit status, for the API layer only. Stores, services and validators throw the
/// domain errors of <see cref="Containers.Engine.Errors"/> instead, which <see cref="ErrorHandling"/> maps to statuses.
/// </summary>
public class ApiException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static ApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);
}
