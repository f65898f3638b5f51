namespace Containers.Engine.Networks;

/// <summary>HostConfig.NetworkMode as dockerd reads it: "default" (the default bridge), "bridge", "host", "none",
/// "container:NAME|ID", or a user-defined network's name or ID.</summary>
public static class NetworkModes
{
    public const string ContainerPrefix = "container:";

    public static bool IsContainer(string mode) => mode.StartsWith(ContainerPrefix, StringComparison.Ordinal);

    /// <summary>The network a mode other than container:X names: the default bridge for "default" (and "").</summary>
    public static string NetworkName(string mode) => mode is "" or "default" ? "bridge" : mode;

    /// <summary>The predefined networks: bridge, host, none (no aliases, no fixed address, no removal).</summary>
    public static bool IsPredefined(string networkName) => networkName is "bridge" or "host" or "none";
}
