namespace Containers.Images.Content;

/// <summary>Fetched content does not hash to (or is not the size of) what its descriptor promised.</summary>
public sealed class DigestMismatchException(string message) : IOException(message);
