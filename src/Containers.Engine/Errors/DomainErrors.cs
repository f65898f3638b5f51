namespace Containers.Engine.Errors;

/// <summary>
/// The engine's error kinds, as moby's errdefs: stores, validators and services throw these and know nothing of HTTP;
/// <c>Api/ErrorHandling</c> alone turns each kind into a status code. Anything else is an internal error (500).
/// </summary>
public abstract class DomainException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The object named does not exist (404).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The request is at odds with the current state: a name in use, a running container (409).</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The caller's input is invalid: a bad parameter, filter, body field or combination (400).</summary>
public sealed class InvalidParameterException(string message, Exception? inner = null) : DomainException(message, inner);

/// <summary>The request is understood but not allowed on this object, e.g. writing into a read-only root filesystem (403).</summary>
public sealed class ForbiddenException(string message) : DomainException(message);

/// <summary>A valid request for something this engine does not do yet (501).</summary>
public sealed class FeatureNotImplementedException(string message) : DomainException(message);

/// <summary>The engine cannot serve this now or in this mode, e.g. swarm requests on a node that is not a manager (503).</summary>
public sealed class UnavailableException(string message) : DomainException(message);

/// <summary>The host failed to do what a valid request needs, e.g. mounting a volume's filesystem (dockerd's errdefs.System: 500).</summary>
public sealed class SystemFailureException(string message) : DomainException(message);
