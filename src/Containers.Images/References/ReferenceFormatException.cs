namespace Containers.Images.References;

/// <summary>An image reference that Docker would reject; the message is Docker's.</summary>
public sealed class ReferenceFormatException(string message) : FormatException(message);
