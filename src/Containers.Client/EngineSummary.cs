using Containers.Api;

namespace Containers.Client;

/// <summary>One object describing an engine: what <c>Get-ContainerEngine</c> returns (version and info together).</summary>
public sealed class EngineSummary
{
    public required string Endpoint { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string ApiVersion { get; init; }
    public required string MinApiVersion { get; init; }
    public required string OperatingSystem { get; init; }
    public required string KernelVersion { get; init; }
    public required string Architecture { get; init; }
    public required int Cpus { get; init; }
    public required long MemoryBytes { get; init; }
    public required string DataRoot { get; init; }
    public required string StorageDriver { get; init; }
    public required string LoggingDriver { get; init; }
    public required string CgroupDriver { get; init; }
    public required string CgroupVersion { get; init; }
    public required int Containers { get; init; }
    public required int ContainersRunning { get; init; }
    public required int Images { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required VersionResponse VersionDetails { get; init; }
    public required SystemInfo Info { get; init; }

    public static EngineSummary From(EngineEndpoint endpoint, VersionResponse version, SystemInfo info) => new()
    {
        Endpoint = endpoint.ToString(),
        Name = info.Name,
        Version = version.Version,
        ApiVersion = version.ApiVersion,
        MinApiVersion = version.MinAPIVersion,
        OperatingSystem = info.OperatingSystem,
        KernelVersion = info.KernelVersion,
        Architecture = info.Architecture,
        Cpus = info.NCPU,
        MemoryBytes = info.MemTotal,
        DataRoot = info.DockerRootDir,
        StorageDriver = info.Driver,
        LoggingDriver = info.LoggingDriver,
        CgroupDriver = info.CgroupDriver,
        CgroupVersion = info.CgroupVersion,
        Containers = info.Containers,
        ContainersRunning = info.ContainersRunning,
        Images = info.Images,
        Warnings = info.Warnings,
        VersionDetails = version,
        Info = info,
    };
}

/// <summary>What <c>GET /_ping</c> says: the engine's API version and OS.</summary>
public sealed record PingResult(string ApiVersion, string OSType, bool Experimental);

/// <summary>The window and filters of an events request; times are UTC.</summary>
public sealed record EventsQuery(DateTimeOffset? Since = null, DateTimeOffset? Until = null, IReadOnlyDictionary<string, string[]>? Filters = null);
