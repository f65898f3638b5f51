namespace Containers.Engine.Networks;

/// <summary>
/// iproute2, the one way the engine changes the kernel's links, addresses and routes: each step is ONE
/// <c>ip -batch -</c> (on the host) or <c>nsenter --net=/proc/PID/ns/net ip -batch -</c> (inside a container's
/// namespace), its commands on standard input. A failed batch throws with ip's own message.
/// </summary>
public static class IpRoute
{
    private const string Ip = "ip";

    /// <summary>Runs the commands in the host's network namespace.</summary>
    public static void OnHost(IEnumerable<string> commands, bool force = false) =>
        Run(Ip, force ? ["-force", "-batch", "-"] : ["-batch", "-"], commands);

    /// <summary>Runs the commands in the network namespace of process <paramref name="pid"/>.</summary>
    public static void InNamespaceOf(int pid, IEnumerable<string> commands) =>
        Run("nsenter", [$"--net=/proc/{pid}/ns/net", Ip, "-batch", "-"], commands);

    /// <summary>Whether a link of that name exists in the host's namespace (no process: sysfs).</summary>
    public static bool LinkExists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));

    /// <summary>The names of the host's links (sysfs).</summary>
    public static IEnumerable<string> Links() =>
        Directory.Exists("/sys/class/net") ? Directory.EnumerateFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>() : [];

    private static void Run(string program, string[] arguments, IEnumerable<string> commands) =>
        ScriptedTool.Run(program, arguments, string.Join('\n', commands));
}
