namespace Containers.Snapshots;

/// <summary>A layer tar was refused: the message names the offending entry and why.</summary>
public sealed class LayerApplyException(string message) : Exception(message);
