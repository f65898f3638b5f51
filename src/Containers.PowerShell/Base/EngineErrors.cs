using System.Management.Automation;
using System.Net;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// The one mapping from engine errors to PowerShell's: a stable error ID (<c>ContainerNotFound</c>, <c>ImageConflict</c>,
/// <c>EngineUnavailable</c>...; PowerShell appends the cmdlet to make the FullyQualifiedErrorId) and an ErrorCategory
/// that matches the status code, with the engine's message.
/// </summary>
internal static class EngineErrors
{
    /// <param name="e">The engine's error.</param>
    /// <param name="noun">What the cmdlet's targets are: Container, Image...</param>
    /// <param name="target">The object the cmdlet was working on.</param>
    public static ErrorRecord ToErrorRecord(ContainersEngineException e, string noun, object? target) => new(e, ErrorId(e, noun), Category(e), target);

    private static string ErrorId(ContainersEngineException e, string noun) => e switch
    {
        ContainersEngineUnavailableException => "EngineUnavailable",
        _ => e.StatusCode switch
        {
            HttpStatusCode.BadRequest => "InvalidArgument",
            HttpStatusCode.NotFound => noun + "NotFound",
            HttpStatusCode.Conflict => noun + "Conflict",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "PermissionDenied",
            HttpStatusCode.NotImplemented => "NotImplementedByEngine",
            _ => "EngineError",
        },
    };

    private static ErrorCategory Category(ContainersEngineException e) => e switch
    {
        ContainersEngineUnavailableException => ErrorCategory.ConnectionError,
        _ => e.StatusCode switch
        {
            HttpStatusCode.BadRequest => ErrorCategory.InvalidArgument,
            HttpStatusCode.NotFound => ErrorCategory.ObjectNotFound,
            // 409s are "the container is running / not running / paused / name in use": the object's state forbids it.
            HttpStatusCode.Conflict => ErrorCategory.InvalidOperation,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ErrorCategory.PermissionDenied,
            HttpStatusCode.NotImplemented => ErrorCategory.NotImplemented,
            _ => ErrorCategory.NotSpecified,
        },
    };
}
