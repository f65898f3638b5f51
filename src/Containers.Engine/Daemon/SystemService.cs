using System.Diagnostics;
using System.Globalization;
using Containers.Api;
using Containers.Engine.Configuration;
using Containers.Engine.Events;
using Containers.Engine.Networks;
using Containers.Engine.Host;
using Containers.Engine.Hosting;
using Containers.Engine.Images;
using Containers.Engine.Lifecycle;
using Containers.Engine.Volumes;

namespace Containers.Engine.Daemon;

/// <summary>The system backend of the API: version, info (facts gathered from the other services) and the event log.</summary>
public sealed class SystemService(EngineSettings settings, EngineIdentity identity, HostFacts host, EventBus events,
    ContainerService containers, ImageService images)
{
    /// <summary><c>GET /version</c>.</summary>
    public VersionResponse Version()
    {
        var arch = GoArch(host.Architecture);
        var details = new Dictionary<string, string>
        {
            ["ApiVersion"] = ApiVersions.Current,
            ["Arch"] = arch,
            ["BuildTime"] = identity.BuildTime,
            ["Experimental"] = "false",
            ["GitCommit"] = identity.GitCommit,
            ["GoVersion"] = identity.RuntimeVersion,
            ["KernelVersion"] = host.KernelVersion,
            ["MinAPIVersion"] = ApiVersions.Minimum,
            ["Os"] = "linux",
        };
        return new VersionResponse
        {
            Platform = new PlatformInfo { Name = "Containers Engine" },
            Components = [new ComponentVersion { Name = "Engine", Version = identity.Version, Details = details }],
            Version = identity.Version,
            ApiVersion = ApiVersions.Current,
            MinAPIVersion = ApiVersions.Minimum,
            GitCommit = identity.GitCommit,
            GoVersion = identity.RuntimeVersion,
            Os = "linux",
            Arch = arch,
            KernelVersion = host.KernelVersion,
            BuildTime = identity.BuildTime,
        };
    }

    /// <summary><c>GET /info</c>.</summary>
    public SystemInfo Info()
    {
        var containerCounts = containers.Counts();
        using var process = Process.GetCurrentProcess();
        return new SystemInfo
        {
            ID = identity.Id,
            Containers = containerCounts.Total,
            ContainersRunning = containerCounts.Running,
            ContainersPaused = containerCounts.Paused,
            ContainersStopped = containerCounts.Stopped,
            Images = images.Count,
            Driver = images.StorageDriver,
            DriverStatus = images.DriverStatus(),
            Plugins = new PluginsInfo { Volume = [VolumeStoreDriver], Network = NetworkService.Drivers, Log = ["json-file", "none"] },
            MemoryLimit = host.HasMemoryController,
            SwapLimit = host.HasMemoryController,
            CpuCfsPeriod = host.HasCpuController,
            CpuCfsQuota = host.HasCpuController,
            CPUShares = host.HasCpuController,
            CPUSet = host.HasCpusetController,
            PidsLimit = host.HasPidsController,
            IPv4Forwarding = HostFacts.IPv4Forwarding,
            Debug = settings.Debug,
            LiveRestoreEnabled = settings.LiveRestore,
            NFd = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(),
            NGoroutines = process.Threads.Count,
            SystemTime = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
            LoggingDriver = settings.LogDriver,
            CgroupDriver = "cgroupfs",
            CgroupVersion = host.CgroupVersion,
            NEventsListener = events.SubscriberCount,
            KernelVersion = host.KernelVersion,
            OperatingSystem = host.OperatingSystem,
            OSVersion = host.OsVersion,
            Architecture = host.Architecture,
            NCPU = host.Cpus,
            MemTotal = host.MemoryBytes,
            RegistryConfig = RegistryConfig(settings),
            DockerRootDir = settings.DataRoot,
            HttpProxy = Environment.GetEnvironmentVariable("HTTP_PROXY") ?? "",
            HttpsProxy = Environment.GetEnvironmentVariable("HTTPS_PROXY") ?? "",
            NoProxy = Environment.GetEnvironmentVariable("NO_PROXY") ?? "",
            Name = host.Hostname,
            ServerVersion = identity.Version,
            DefaultRuntime = "containers-runtime",
            Warnings = [.. identity.Warnings],
        };
    }

    private const string VolumeStoreDriver = VolumeStore.LocalDriver;

    private static RegistryServiceConfig RegistryConfig(EngineSettings settings)
    {
        var config = new RegistryServiceConfig
        {
            InsecureRegistryCIDRs = ["127.0.0.0/8", "::1/128"],
            Mirrors = [.. settings.RegistryMirrors],
        };
        config.IndexConfigs["docker.io"] = new IndexInfo { Name = "docker.io", Mirrors = [.. settings.RegistryMirrors], Secure = true, Official = true };
        foreach (var registry in settings.InsecureRegistries)
        {
            if (registry.Contains('/')) config.InsecureRegistryCIDRs.Add(registry);
            else config.IndexConfigs[registry] = new IndexInfo { Name = registry, Secure = false };
        }
        return config;
    }

    /// <summary>Starts receiving events, with the retained ones for replay (see <see cref="EventBus.Subscribe"/>).</summary>
    public EventBus.Subscription SubscribeEvents() => events.Subscribe();

    private static string GoArch(string machine) => machine switch
    {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "armv7l" => "arm",
        _ => machine,
    };
}
