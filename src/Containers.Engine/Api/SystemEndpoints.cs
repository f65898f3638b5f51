using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Containers.Api;
using Containers.Engine.Configuration;
using Containers.Engine.Events;
using Containers.Engine.Host;
using Containers.Engine.Hosting;

namespace Containers.Engine.Api;

/// <summary><c>/_ping</c>, <c>/version</c>, <c>/info</c> and <c>/events</c>.</summary>
public static class SystemEndpoints
{
    public static void MapSystemEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/_ping", ["GET", "HEAD"], (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            context.Response.Headers.Pragma = "no-cache";
            context.Response.ContentType = "text/plain; charset=utf-8";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.ContentLength = 0;
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("OK");
        });

        routes.MapGet("/version", (EngineIdentity identity, HostFacts host) =>
            Results.Json(BuildVersion(identity, host), ApiJson.Context.VersionResponse));

        routes.MapGet("/info", (HttpContext context) =>
            Results.Json(BuildInfo(context.RequestServices), ApiJson.Context.SystemInfo));

        routes.MapGet("/events", StreamEventsAsync);
    }

    public static VersionResponse BuildVersion(EngineIdentity identity, HostFacts host)
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

    private static SystemInfo BuildInfo(IServiceProvider services)
    {
        var settings = services.GetRequiredService<EngineSettings>();
        var identity = services.GetRequiredService<EngineIdentity>();
        var host = services.GetRequiredService<HostFacts>();
        var events = services.GetRequiredService<EventBus>();
        var containers = services.GetRequiredService<Lifecycle.ContainerStore>().List();
        var imageService = services.GetRequiredService<Images.ImageService>();
        var images = imageService.Store.List();
        using var process = Process.GetCurrentProcess();
        return new SystemInfo
        {
            ID = identity.Id,
            Containers = containers.Count,
            ContainersRunning = containers.Count(c => c.State.Status == "running"),
            ContainersPaused = containers.Count(c => c.State.Status == "paused"),
            ContainersStopped = containers.Count(c => c.State.Status is not ("running" or "paused")),
            Images = images.Count,
            Driver = imageService.Snapshots.Driver,
            DriverStatus = [["Snapshots", imageService.Snapshots.List().Count.ToString()], ["Root", imageService.Snapshots.Root]],
            Plugins = new PluginsInfo { Volume = [VolumeStoreDriver], Log = ["json-file", "none"] },
            MemoryLimit = host.HasMemoryController,
            SwapLimit = host.HasMemoryController,
            CpuCfsPeriod = host.HasCpuController,
            CpuCfsQuota = host.HasCpuController,
            CPUShares = host.HasCpuController,
            CPUSet = host.HasCpusetController,
            PidsLimit = host.HasPidsController,
            IPv4Forwarding = HostFacts.IPv4Forwarding,
            Debug = settings.Debug,
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

    private const string VolumeStoreDriver = Volumes.VolumeStore.LocalDriver;

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

    /// <summary>
    /// Streams events as JSON lines. <c>since</c> replays retained events; with <c>until</c> the stream ends
    /// once that time is reached (immediately when it is in the past), otherwise it follows until the client leaves.
    /// </summary>
    private static async Task StreamEventsAsync(HttpContext context, EventBus bus, IHostApplicationLifetime lifetime)
    {
        var query = context.Request.Query;
        var since = ParseTimestamp(query["since"], "since");
        var until = ParseTimestamp(query["until"], "until");
        var filter = EventFilter.Parse(query["filters"]);
        var nowNano = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        if (since is { } s && s > nowNano && until is null)
            throw ApiException.BadRequest("since time is in the future");

        using var subscription = bus.Subscribe();
        context.Response.ContentType = "application/json";
        context.Response.StatusCode = 200;
        await context.Response.StartAsync(context.RequestAborted);

        bool InWindow(EventMessage e) => (since is null || e.TimeNano >= since) && (until is null || e.TimeNano <= until);

        async Task WriteAsync(EventMessage e)
        {
            await JsonSerializer.SerializeAsync(context.Response.Body, e, ApiJson.Context.EventMessage, context.RequestAborted);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        if (since is not null)
            foreach (var e in subscription.History.Where(e => InWindow(e) && filter.Matches(e)))
                await WriteAsync(e);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        if (until is { } u)
        {
            var remaining = TimeSpan.FromTicks(Math.Max(0, (u - nowNano) / 100));
            if (remaining == TimeSpan.Zero) return;
            stop.CancelAfter(remaining);
        }
        var seen = subscription.History.Count > 0 ? subscription.History[^1].TimeNano : 0;
        try
        {
            await foreach (var e in subscription.Live.ReadAllAsync(stop.Token))
                if (e.TimeNano > seen && InWindow(e) && filter.Matches(e)) await WriteAsync(e);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // until reached or engine stopping: end the stream normally.
        }
    }

    /// <summary>Docker's timestamps: seconds since the epoch with an optional fraction (<c>1700000000.5</c>), as nanoseconds.</summary>
    public static long? ParseTimestamp(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var parts = text.Split('.');
        if (parts.Length > 2 || !long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || (parts.Length == 2 && (parts[1].Length is 0 or > 9 || !parts[1].All(char.IsAsciiDigit))))
            throw ApiException.BadRequest($"invalid value for {name}: \"{text}\" is not a timestamp (seconds since the epoch, with an optional fraction)");
        var nanos = parts.Length == 2 ? long.Parse(parts[1].PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
        return seconds * 1_000_000_000 + nanos;
    }

    private static string GoArch(string machine) => machine switch
    {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "armv7l" => "arm",
        _ => machine,
    };
}
