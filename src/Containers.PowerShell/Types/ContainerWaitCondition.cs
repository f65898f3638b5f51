namespace Containers.PowerShell.Types;

/// <summary>The conditions Wait-Container can wait for (the engine's not-running, next-exit and removed).</summary>
public enum ContainerWaitCondition
{
    NotRunning,
    NextExit,
    Removed,
}
