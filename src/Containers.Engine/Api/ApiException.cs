namespace Containers.Engine.Api;

/// <summary>
/// An error the API reports to the caller as <c>{"message": "..."}</c> with a Docker status code.
/// Throw these from handlers and stores; anything else becomes a 500.
/// </summary>
public class ApiException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static ApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);
}
