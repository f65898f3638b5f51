using Containers.Interop;

namespace Containers.Engine.Hosting;

/// <summary>
/// A test hook for crash safety: with <c>CONTAINERS_ENGINE_CRASH_AT=NAME</c> in its environment the engine kills
/// itself with SIGKILL when it reaches the point NAME (e.g. between two steps of a create), so tests can prove that
/// whatever it leaves on disk is consistent at the next start. Without the variable it does nothing.
/// </summary>
public static class CrashPoint
{
    public const string Variable = "CONTAINERS_ENGINE_CRASH_AT";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    public static void Reach(string name)
    {
        if (Target == name) Libc.kill(Libc.getpid(), 9);
    }
}
