namespace Containers.PowerShell.Types;

/// <summary>What Wait-Container returns for each container: which one it waited for and the exit code it ended with.</summary>
public sealed class ContainerExitStatus
{
    public required string Id { get; init; }

    /// <summary>The name without Docker's leading slash, as Get-Container shows it.</summary>
    public required string Name { get; init; }

    /// <summary>The exit code of the container's main process (137 after SIGKILL, as docker wait reports).</summary>
    public required long ExitCode { get; init; }

    public override string ToString() => $"{Name}: {ExitCode}";
}
