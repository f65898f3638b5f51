namespace Containers.Runtime.Supervision;

/// <summary>
/// How the shim connects a container's stdio, for the engine: output goes to a log file in Docker's json-file format
/// (written by the shim, so nothing is lost while the engine is down), input comes from a FIFO that attach clients
/// write to. For a container whose process.terminal is true, the shim holds the pty master instead of pipes.
/// </summary>
public sealed class ContainerIo
{
    /// <summary>The json-file log; null: output is discarded (Docker's "none" driver).</summary>
    public string? LogPath { get; init; }

    /// <summary>Rotate when the log reaches this many bytes; 0: never.</summary>
    public long LogMaxSize { get; init; }

    /// <summary>How many files (the log and its rotated .1, .2, ...) to keep; 1 truncates in place.</summary>
    public int LogMaxFile { get; init; } = 1;

    /// <summary>A FIFO whose writers feed the container's stdin (Docker's OpenStdin); null: stdin is /dev/null.</summary>
    public string? StdinFifo { get; init; }

    /// <summary>Close the container's stdin when the first writer of <see cref="StdinFifo"/> closes (Docker's StdinOnce).</summary>
    public bool StdinOnce { get; init; }
}
