using System.Text.Json.Serialization;

namespace Containers.Api;

/// <summary>The body of <c>POST /containers/create</c>: Docker's container Config with HostConfig and NetworkingConfig inside.</summary>
public sealed class ContainerCreateRequest
{
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public string? User { get; set; }
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public bool StdinOnce { get; set; }
    public List<string>? Env { get; set; }
    public List<string>? Cmd { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    public bool? ArgsEscaped { get; set; }
    public string? Image { get; set; }
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string? WorkingDir { get; set; }
    public List<string>? Entrypoint { get; set; }
    public bool? NetworkDisabled { get; set; }
    public string? MacAddress { get; set; }
    public List<string>? OnBuild { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public string? StopSignal { get; set; }
    public int? StopTimeout { get; set; }
    public List<string>? Shell { get; set; }
    public HostConfig? HostConfig { get; set; }
    public NetworkingConfig? NetworkingConfig { get; set; }
}

/// <summary>The container's runtime defaults as inspect reports them (Config of <c>GET /containers/{id}/json</c>).</summary>
public sealed class ContainerConfig
{
    public string Hostname { get; set; } = "";
    public string Domainname { get; set; } = "";
    public string User { get; set; } = "";
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public bool StdinOnce { get; set; }
    public List<string> Env { get; set; } = [];
    public List<string>? Cmd { get; set; }
    public HealthConfig? Healthcheck { get; set; }
    public string Image { get; set; } = "";
    public Dictionary<string, EmptyObject>? Volumes { get; set; }
    public string WorkingDir { get; set; } = "";
    public List<string>? Entrypoint { get; set; }
    public List<string>? OnBuild { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public string? StopSignal { get; set; }
    public int? StopTimeout { get; set; }
}

/// <summary>
/// HostConfig with every field dockerd (API 1.47) has, so inspect shows each one with Docker's zero value. Strings are
/// <c>""</c> and lists <c>[]</c> where Go has a plain string or slice; Go's pointers (PidsLimit, OomKillDisable, Init,
/// MemorySwappiness) stay nullable, and its <c>omitempty</c> maps are left out when unset. Which of these the engine
/// honours is the validator's business: settings it cannot honour are refused or warned about there.
/// </summary>
public sealed class HostConfig
{
    public List<string>? Binds { get; set; }
    public string ContainerIDFile { get; set; } = "";
    public LogConfig LogConfig { get; set; } = new();
    public string NetworkMode { get; set; } = "";
    public Dictionary<string, List<PortBinding>>? PortBindings { get; set; }
    public RestartPolicy RestartPolicy { get; set; } = new();
    public bool AutoRemove { get; set; }
    public string VolumeDriver { get; set; } = "";
    public List<string>? VolumesFrom { get; set; }
    /// <summary>Height and width of the initial console.</summary>
    public uint[] ConsoleSize { get; set; } = [0, 0];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Annotations { get; set; }

    public List<string>? CapAdd { get; set; }
    public List<string>? CapDrop { get; set; }
    public string CgroupnsMode { get; set; } = "";
    public List<string>? Dns { get; set; }
    public List<string>? DnsOptions { get; set; }
    public List<string>? DnsSearch { get; set; }
    public List<string>? ExtraHosts { get; set; }
    public List<string>? GroupAdd { get; set; }
    public string IpcMode { get; set; } = "";
    public string Cgroup { get; set; } = "";
    public List<string> Links { get; set; } = [];
    public int? OomScoreAdj { get; set; }
    public string PidMode { get; set; } = "";
    public bool Privileged { get; set; }
    public bool PublishAllPorts { get; set; }
    public bool ReadonlyRootfs { get; set; }
    public List<string>? SecurityOpt { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? StorageOpt { get; set; }
    public Dictionary<string, string>? Tmpfs { get; set; }
    public string UTSMode { get; set; } = "";
    public string UsernsMode { get; set; } = "";
    public long ShmSize { get; set; }
    public Dictionary<string, string>? Sysctls { get; set; }
    public string Runtime { get; set; } = "";
    /// <summary>Windows only; on Linux "" or "default".</summary>
    public string Isolation { get; set; } = "";

    // Resources
    public long CpuShares { get; set; }
    public long Memory { get; set; }
    public long NanoCpus { get; set; }
    public string CgroupParent { get; set; } = "";
    public long BlkioWeight { get; set; }
    public List<WeightDevice> BlkioWeightDevice { get; set; } = [];
    public List<ThrottleDevice> BlkioDeviceReadBps { get; set; } = [];
    public List<ThrottleDevice> BlkioDeviceWriteBps { get; set; } = [];
    public List<ThrottleDevice> BlkioDeviceReadIOps { get; set; } = [];
    public List<ThrottleDevice> BlkioDeviceWriteIOps { get; set; } = [];
    public long CpuPeriod { get; set; }
    public long CpuQuota { get; set; }
    public long CpuRealtimePeriod { get; set; }
    public long CpuRealtimeRuntime { get; set; }
    public string CpusetCpus { get; set; } = "";
    public string CpusetMems { get; set; } = "";
    public List<DeviceMapping>? Devices { get; set; }
    public List<string> DeviceCgroupRules { get; set; } = [];
    public List<DeviceRequest> DeviceRequests { get; set; } = [];
    public long MemoryReservation { get; set; }
    public long MemorySwap { get; set; }
    public long? MemorySwappiness { get; set; }
    public bool? OomKillDisable { get; set; }
    public long? PidsLimit { get; set; }
    public List<Ulimit>? Ulimits { get; set; }
    public long CpuCount { get; set; }
    public long CpuPercent { get; set; }
    public ulong IOMaximumIOps { get; set; }
    public ulong IOMaximumBandwidth { get; set; }

    public List<Mount>? Mounts { get; set; }
    public List<string> MaskedPaths { get; set; } = [];
    public List<string> ReadonlyPaths { get; set; } = [];
    public bool? Init { get; set; }
}

public sealed class WeightDevice
{
    public string Path { get; set; } = "";
    public int Weight { get; set; }
}

public sealed class ThrottleDevice
{
    public string Path { get; set; } = "";
    public long Rate { get; set; }
}

/// <summary>A request for devices from a device driver (<c>--gpus</c>).</summary>
public sealed class DeviceRequest
{
    public string Driver { get; set; } = "";
    public int Count { get; set; }
    public List<string>? DeviceIDs { get; set; }
    public List<List<string>>? Capabilities { get; set; }
    public Dictionary<string, string>? Options { get; set; }
}

public sealed class Ulimit
{
    public string Name { get; set; } = "";
    public long Soft { get; set; }
    public long Hard { get; set; }
}

public sealed class RestartPolicy
{
    /// <summary>"", "no", "always", "unless-stopped" or "on-failure".</summary>
    public string Name { get; set; } = "";
    public int MaximumRetryCount { get; set; }
}

public sealed class LogConfig
{
    public string Type { get; set; } = "";
    public Dictionary<string, string> Config { get; set; } = [];
}

public sealed class PortBinding
{
    public string HostIp { get; set; } = "";
    public string HostPort { get; set; } = "";
}

public sealed class Mount
{
    public string Type { get; set; } = "";
    public string Source { get; set; } = "";
    public string Target { get; set; } = "";
    public bool ReadOnly { get; set; }
    public MountBindOptions? BindOptions { get; set; }
    public MountVolumeOptions? VolumeOptions { get; set; }
    public MountTmpfsOptions? TmpfsOptions { get; set; }
}

public sealed class MountBindOptions
{
    public string Propagation { get; set; } = "";
    /// <summary>A plain bind: submounts of the source are not carried (the CLI's bind-recursive=disabled).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NonRecursive { get; set; }
    /// <summary>API 1.44: a read-only bind whose submounts stay writable (the CLI's bind-recursive=writable).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReadOnlyNonRecursive { get; set; }
    /// <summary>API 1.44: fail rather than leave a submount of a read-only bind writable (bind-recursive=readonly).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReadOnlyForceRecursive { get; set; }
}

public sealed class MountVolumeOptions
{
    public bool NoCopy { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    /// <summary>The driver and its options for a volume created on first use (<c>volume-driver</c>, <c>volume-opt</c>).</summary>
    public MountVolumeDriver? DriverConfig { get; set; }
}

public sealed class MountVolumeDriver
{
    public string Name { get; set; } = "";
    public Dictionary<string, string>? Options { get; set; }
}

public sealed class MountTmpfsOptions
{
    public long SizeBytes { get; set; }
    /// <summary>The permission bits (Go's os.FileMode as a number).</summary>
    public uint Mode { get; set; }
}

public sealed class DeviceMapping
{
    public string PathOnHost { get; set; } = "";
    public string PathInContainer { get; set; } = "";
    public string CgroupPermissions { get; set; } = "";
}

public sealed class NetworkingConfig
{
    public Dictionary<string, EndpointSettings>? EndpointsConfig { get; set; }
}

public sealed class EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; set; }
    public List<string>? Links { get; set; }
    public List<string>? Aliases { get; set; }
    public string MacAddress { get; set; } = "";
    public Dictionary<string, string>? DriverOpts { get; set; }
    public string NetworkID { get; set; } = "";
    public string EndpointID { get; set; } = "";
    public string Gateway { get; set; } = "";
    public string IPAddress { get; set; } = "";
    public int IPPrefixLen { get; set; }
    public string IPv6Gateway { get; set; } = "";
    public string GlobalIPv6Address { get; set; } = "";
    public int GlobalIPv6PrefixLen { get; set; }
    public List<string>? DNSNames { get; set; }
}

public sealed class EndpointIpamConfig
{
    public string IPv4Address { get; set; } = "";
    public string IPv6Address { get; set; } = "";
    public List<string>? LinkLocalIPs { get; set; }
}

/// <summary>The answer of <c>POST /containers/create</c>.</summary>
public sealed class ContainerCreateResponse
{
    public string Id { get; set; } = "";
    public List<string> Warnings { get; set; } = [];
}

/// <summary>State of <c>GET /containers/{id}/json</c>.</summary>
public sealed class ContainerState
{
    /// <summary>created, running, paused, restarting, removing, exited or dead.</summary>
    public string Status { get; set; } = "created";
    public bool Running { get; set; }
    public bool Paused { get; set; }
    public bool Restarting { get; set; }
    public bool OOMKilled { get; set; }
    public bool Dead { get; set; }
    public int Pid { get; set; }
    public int ExitCode { get; set; }
    public string Error { get; set; } = "";
    public string StartedAt { get; set; } = ZeroTime;
    public string FinishedAt { get; set; } = ZeroTime;

    /// <summary>Only for a container with a health check (absent otherwise, as in Docker).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Health? Health { get; set; }

    /// <summary>Docker's rendering of "never" (Go's zero time).</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";
}

/// <summary><c>State.Health</c>: the health check's verdict and its last results.</summary>
public sealed class Health
{
    /// <summary>starting, healthy or unhealthy.</summary>
    public string Status { get; set; } = "starting";
    public int FailingStreak { get; set; }

    /// <summary>The last five probe results, oldest first.</summary>
    public List<HealthcheckResult> Log { get; set; } = [];
}

/// <summary>One run of a health check: its exit code (-1 when it could not run or timed out) and its output, cut at 4 KiB.</summary>
public sealed class HealthcheckResult
{
    public string Start { get; set; } = "";
    public string End { get; set; } = "";
    public int ExitCode { get; set; }
    public string Output { get; set; } = "";
}

/// <summary><c>GET /containers/{id}/json</c>, in Docker's shape.</summary>
public sealed class ContainerInspect
{
    public string Id { get; set; } = "";
    public string Created { get; set; } = "";
    public string Path { get; set; } = "";
    public List<string> Args { get; set; } = [];
    public ContainerState State { get; set; } = new();
    public string Image { get; set; } = "";
    public string ResolvConfPath { get; set; } = "";
    public string HostnamePath { get; set; } = "";
    public string HostsPath { get; set; } = "";
    public string LogPath { get; set; } = "";
    public string Name { get; set; } = "";
    public int RestartCount { get; set; }
    public string Driver { get; set; } = "";
    public string Platform { get; set; } = "linux";
    public string MountLabel { get; set; } = "";
    public string ProcessLabel { get; set; } = "";
    public string AppArmorProfile { get; set; } = "";
    public List<string>? ExecIDs { get; set; }
    public HostConfig HostConfig { get; set; } = new();
    public GraphDriverData GraphDriver { get; set; } = new();
    public List<MountPoint> Mounts { get; set; } = [];
    public ContainerConfig Config { get; set; } = new();
    public NetworkSettings NetworkSettings { get; set; } = new();
}

/// <summary>NetworkSettings of inspect: the sandbox, the ports, the legacy default-bridge fields and one entry per network.</summary>
public sealed class NetworkSettings
{
    public string Bridge { get; set; } = "";
    public string SandboxID { get; set; } = "";
    public bool HairpinMode { get; set; }
    public string LinkLocalIPv6Address { get; set; } = "";
    public int LinkLocalIPv6PrefixLen { get; set; }
    /// <summary>Container port ("80/tcp") to its host bindings; null for a port that is exposed but not published.</summary>
    public Dictionary<string, List<PortBinding>?> Ports { get; set; } = [];
    public string SandboxKey { get; set; } = "";
    public List<NetworkAddress>? SecondaryIPAddresses { get; set; }
    public List<NetworkAddress>? SecondaryIPv6Addresses { get; set; }
    public string EndpointID { get; set; } = "";
    public string Gateway { get; set; } = "";
    public string GlobalIPv6Address { get; set; } = "";
    public int GlobalIPv6PrefixLen { get; set; }
    public string IPAddress { get; set; } = "";
    public int IPPrefixLen { get; set; }
    public string IPv6Gateway { get; set; } = "";
    public string MacAddress { get; set; } = "";
    public Dictionary<string, EndpointSettings> Networks { get; set; } = [];
}

public sealed class NetworkAddress
{
    public string Addr { get; set; } = "";
    public int PrefixLen { get; set; }
}

/// <summary>A mount as inspect and the container list report it (Docker's MountPoint).</summary>
public sealed class MountPoint
{
    public string Type { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Driver { get; set; }
    public string Mode { get; set; } = "";
    public bool RW { get; set; }
    public string Propagation { get; set; } = "";
}

/// <summary>One row of <c>GET /containers/json</c>.</summary>
public sealed class ContainerSummary
{
    public string Id { get; set; } = "";
    public List<string> Names { get; set; } = [];
    public string Image { get; set; } = "";
    public string ImageID { get; set; } = "";
    public string Command { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    public long Created { get; set; }
    public List<Port> Ports { get; set; } = [];
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRw { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? SizeRootFs { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public string State { get; set; } = "";
    /// <summary>Human text: "Up 5 minutes", "Exited (0) 2 seconds ago", "Created".</summary>
    public string Status { get; set; } = "";
    public HostConfigSummary HostConfig { get; set; } = new();
    /// <summary>The container's networks (<c>docker ps --format {{.Networks}}</c>), as inspect's Networks map.</summary>
    public NetworkSettingsSummary NetworkSettings { get; set; } = new();
    public List<MountPoint> Mounts { get; set; } = [];
}

/// <summary>A port of a container as the list shows it: a published one with its host address and port, an exposed one without.</summary>
public sealed class Port
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IP { get; set; }
    public int PrivatePort { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PublicPort { get; set; }
    public string Type { get; set; } = "";
}

/// <summary>NetworkSettings of a container list row: only the Networks map.</summary>
public sealed class NetworkSettingsSummary
{
    public Dictionary<string, EndpointSettings> Networks { get; set; } = [];
}

public sealed class HostConfigSummary
{
    public string NetworkMode { get; set; } = "";
}

/// <summary><c>POST /containers/{id}/wait</c>.</summary>
public sealed class ContainerWaitResponse
{
    public long StatusCode { get; set; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WaitError? Error { get; set; }
}

public sealed class WaitError
{
    public string Message { get; set; } = "";
}

/// <summary><c>POST /containers/prune</c>.</summary>
public sealed class ContainersPruneResponse
{
    public List<string> ContainersDeleted { get; set; } = [];
    public long SpaceReclaimed { get; set; }
}

/// <summary><c>GET /containers/{id}/top</c>: ps's column titles and one row of strings per process.</summary>
public sealed class ContainerTopResponse
{
    public List<string> Titles { get; set; } = [];
    public List<List<string>> Processes { get; set; } = [];
}

/// <summary><c>POST /containers/{id}/update</c>: the resources that can change on a live container, and the restart policy.</summary>
public sealed class ContainerUpdateRequest
{
    public long? Memory { get; set; }
    public long? MemorySwap { get; set; }
    public long? MemoryReservation { get; set; }
    public long? NanoCpus { get; set; }
    public long? CpuShares { get; set; }
    public long? CpuPeriod { get; set; }
    public long? CpuQuota { get; set; }
    public string? CpusetCpus { get; set; }
    public string? CpusetMems { get; set; }
    public long? PidsLimit { get; set; }
    public long? BlkioWeight { get; set; }
    public RestartPolicy? RestartPolicy { get; set; }
}

public sealed class ContainerUpdateResponse
{
    public List<string> Warnings { get; set; } = [];
}

/// <summary>One row of <c>GET /containers/{id}/changes</c>; Kind 0 = modified, 1 = added, 2 = deleted.</summary>
public sealed class ContainerChange
{
    public string Path { get; set; } = "";
    public int Kind { get; set; }
}
