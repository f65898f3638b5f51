using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>Body of <c>GET /version</c>.</summary>
public sealed class VersionResponse
{
    public PlatformInfo Platform { get; set; } = new();
    public List<ComponentVersion> Components { get; set; } = [];
    public string Version { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    public string MinAPIVersion { get; set; } = "";
    public string GitCommit { get; set; } = "";
    /// <summary>Docker reports its Go version here; we report the .NET runtime version.</summary>
    public string GoVersion { get; set; } = "";
    public string Os { get; set; } = "";
    public string Arch { get; set; } = "";
    public string KernelVersion { get; set; } = "";
    public string BuildTime { get; set; } = "";
}

public sealed class PlatformInfo
{
    public string Name { get; set; } = "";
}

public sealed class ComponentVersion
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public Dictionary<string, string>? Details { get; set; }
}

/// <summary>Body of <c>GET /info</c>: the subset of Docker's SystemInfo this engine fills in truthfully.</summary>
public sealed class SystemInfo
{
    public string ID { get; set; } = "";
    public int Containers { get; set; }
    public int ContainersRunning { get; set; }
    public int ContainersPaused { get; set; }
    public int ContainersStopped { get; set; }
    public int Images { get; set; }
    public string Driver { get; set; } = "";
    public List<string[]> DriverStatus { get; set; } = [];
    public PluginsInfo Plugins { get; set; } = new();
    public bool MemoryLimit { get; set; }
    public bool SwapLimit { get; set; }
    public bool CpuCfsPeriod { get; set; }
    public bool CpuCfsQuota { get; set; }
    public bool CPUShares { get; set; }
    public bool CPUSet { get; set; }
    public bool PidsLimit { get; set; }
    public bool IPv4Forwarding { get; set; }
    public bool Debug { get; set; }
    public int NFd { get; set; }
    /// <summary>Docker reports goroutines; we report the engine's OS thread count.</summary>
    public int NGoroutines { get; set; }
    public string SystemTime { get; set; } = "";
    public string LoggingDriver { get; set; } = "";
    public string CgroupDriver { get; set; } = "";
    public string CgroupVersion { get; set; } = "";
    public int NEventsListener { get; set; }
    public string KernelVersion { get; set; } = "";
    public string OperatingSystem { get; set; } = "";
    public string OSVersion { get; set; } = "";
    public string OSType { get; set; } = "linux";
    public string Architecture { get; set; } = "";
    public int NCPU { get; set; }
    public long MemTotal { get; set; }
    public string IndexServerAddress { get; set; } = "https://index.docker.io/v1/";
    public RegistryServiceConfig RegistryConfig { get; set; } = new();
    public string DockerRootDir { get; set; } = "";
    public string HttpProxy { get; set; } = "";
    public string HttpsProxy { get; set; } = "";
    public string NoProxy { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Labels { get; set; } = [];
    public bool ExperimentalBuild { get; set; }
    public string ServerVersion { get; set; } = "";
    public string DefaultRuntime { get; set; } = "";
    public bool LiveRestoreEnabled { get; set; }
    public string Isolation { get; set; } = "";
    public List<string> SecurityOptions { get; set; } = [];
    public SwarmInfo Swarm { get; set; } = new();
    public List<string> Warnings { get; set; } = [];
}

public sealed class PluginsInfo
{
    public List<string> Volume { get; set; } = [];
    public List<string> Network { get; set; } = [];
    public List<string> Authorization { get; set; } = [];
    public List<string> Log { get; set; } = [];
}

public sealed class RegistryServiceConfig
{
    public List<string> InsecureRegistryCIDRs { get; set; } = [];
    public Dictionary<string, IndexInfo> IndexConfigs { get; set; } = [];
    public List<string> Mirrors { get; set; } = [];
}

public sealed class IndexInfo
{
    public string Name { get; set; } = "";
    public List<string> Mirrors { get; set; } = [];
    public bool Secure { get; set; }
    public bool Official { get; set; }
}

/// <summary>The JSON error body every failing endpoint returns: <c>{"message": "..."}</c>.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}

/// <summary>Swarm mode is not supported; the CLI expects the object and prints "inactive".</summary>
public sealed class SwarmInfo
{
    public string NodeID { get; set; } = "";
    public string NodeAddr { get; set; } = "";
    public string LocalNodeState { get; set; } = "inactive";
    public bool ControlAvailable { get; set; }
    public string Error { get; set; } = "";
}

/// <summary>
/// <c>GET /system/df</c> (the API's SystemDataUsageResponse): each list is null when the <c>type</c> parameter left its
/// kind out. No builder: BuildCache is empty.
/// </summary>
public sealed class SystemDataUsageResponse
{
    public long LayersSize { get; set; }
    public List<ImageSummary>? Images { get; set; }
    public List<ContainerSummary>? Containers { get; set; }
    public List<Volume>? Volumes { get; set; }
    public List<BuildCacheRecord>? BuildCache { get; set; }
}

/// <summary>An entry of the build cache (this engine has no builder, so there are none).</summary>
public sealed class BuildCacheRecord
{
    public string ID { get; set; } = "";
    public long Size { get; set; }
}

