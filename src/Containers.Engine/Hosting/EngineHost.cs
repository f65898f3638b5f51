using Containers.Engine.Api;
using Containers.Engine.Configuration;
using Containers.Engine.Daemon;
using Containers.Engine.Events;
using Containers.Engine.Host;
using Containers.Engine.Images;
using Containers.Engine.Lifecycle;
using Containers.Snapshots;
using Containers.Engine.Networks;
using Containers.Engine.Networks.Dns;
using Containers.Engine.Networks.Firewall;
using Containers.Engine.Networks.Ports;
using Containers.Engine.Volumes;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Containers.Engine.Hosting;

/// <summary>Builds the ASP.NET Core application: services, middleware order, routes; runs it until SIGTERM/SIGINT.</summary>
public static class EngineHost
{
    /// <summary>Largest request body a JSON endpoint accepts; streaming endpoints (load, build) lift it per request.</summary>
    public const long MaxJsonBodyBytes = 4 * 1024 * 1024;

    public static async Task<int> RunAsync(EngineSettings settings)
    {
        var warnings = new List<string>();
        var addresses = Listeners.Plan(settings, warnings);
        using var guard = SingleInstanceGuard.Acquire(settings, addresses);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] , ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = LogfmtConsoleFormatter.FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        }).AddConsoleFormatter<LogfmtConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Logging.SetMinimumLevel(settings.Debug ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", settings.Debug ? LogLevel.Information : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxJsonBodyBytes;
            k.AddServerHeader = false;
            Listeners.Configure(k, settings, addresses);
        });
        // Graceful stop: stop accepting, let in-flight requests finish for up to this long.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        var identity = new EngineIdentity(settings);
        identity.Warnings.AddRange(warnings);
        var events = new EventBus();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(new HostFacts());
        builder.Services.AddSingleton(events);
        // The stores are private to the services; handlers get only the services (the API's backend).
        var volumes = new VolumeService(new VolumeStore(settings.DataRoot, events));
        builder.Services.AddSingleton(volumes);
        var bridges = new Bridges(settings.Bridge);
        var endpoints = new Endpoints();
        var networks = new NetworkService(new NetworkStore(settings.DataRoot), events, bridges, endpoints);
        var firewall = new EngineFirewall(new FirewallTable(settings.Bridge), new PortMapper(), networks.FirewallBridges);
        networks.BridgesChanged += firewall.Sync;
        // The embedded DNS (127.0.0.11) of containers on user-defined networks; unknown names go to resolv-conf's servers.
        using var embeddedDns = new EmbeddedDns(() => DnsUpstreams.FromFile(settings.ResolvConf));
        var networking = new ContainerNetworking(networks, bridges, endpoints, firewall, new ContainerDns(embeddedDns, networks, endpoints));
        builder.Services.AddSingleton(networks);
        builder.Services.AddSingleton(networking);
        var containers = new ContainerStore(settings.DataRoot);
        volumes.UsersOf = name => containers.List().Where(c => ContainerMounts.VolumeNames(c.Mounts).Contains(name)).Select(c => c.Id).ToList();
        builder.Services.AddSingleton(services => SnapshotterFactory.Create(settings.DataRoot, settings.StorageDriver,
            message => ImagesLog(services).LogWarning("{Message}", message)));
        builder.Services.AddSingleton(services => new ImageService(settings, services.GetRequiredService<Snapshotter>(), events, containers, ImagesLog(services)));
        builder.Services.AddSingleton(services =>
        {
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine.Containers");
            var snapshots = services.GetRequiredService<Snapshotter>();
            var runner = new ContainerRunner(settings, snapshots, volumes.Mounts, message => log.LogWarning("{Message}", message));
            volumes.Mounts.Reconcile(containers.List().Where(c => runner.IsRunning(c.Id)).Select(c => (c.Id, ContainerMounts.VolumeNames(c.Mounts))));
            return new ContainerService(containers, services.GetRequiredService<ImageService>(), snapshots, runner, networking, volumes, settings, events,
                Environment.ProcessorCount, log);
        });
        builder.Services.AddSingleton(services => new SystemService(settings, identity, services.GetRequiredService<HostFacts>(), events,
            services.GetRequiredService<ContainerService>(), services.GetRequiredService<ImageService>()));
        builder.Services.AddSingleton(services => new DiskUsageService(services.GetRequiredService<ContainerService>(), services.GetRequiredService<ImageService>(),
            volumes, services.GetRequiredService<Snapshotter>()));
        builder.Services.AddRouting();

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine");
        foreach (var warning in warnings) logger.LogWarning("{Warning}", warning);

        if (settings.Debug) app.UseRequestLogging();
        app.UseApiVersioning($"Containers/{identity.Version} (linux)");
        app.UseApiErrors();
        app.UseRouting();
        app.MapSystemEndpoints();
        app.MapVolumeEndpoints();
        app.MapNetworkEndpoints();
        app.MapImageEndpoints();
        app.MapContainerEndpoints();
        app.MapContainerControlEndpoints();
        app.MapContainerFilesystemEndpoints();
        app.MapContainerStreamEndpoints();
        app.MapContainerResourceEndpoints();
        app.MapExecEndpoints();
        app.MapUnservedEndpoints();
        app.MapFallback((HttpContext context) => ErrorHandling.WriteErrorAsync(context, 404,
            $"page not found: {context.Request.Method} {context.Items[ApiVersioning.OriginalPathKey] as string ?? context.Request.Path.Value}"));

        // Open the stores (and recover from a crash) before the first request, not during it.
        app.Services.GetRequiredService<ImageService>();
        var containerService = app.Services.GetRequiredService<ContainerService>();
        await app.StartAsync();
        foreach (var address in addresses)
        {
            if (address.IsUnix) Listeners.SecureSocket(address.SocketPath!, logger);
            logger.LogInformation("API listen on {Address}", address.IsUnix ? address.SocketPath : address.TcpEndPoint!.ToString());
        }
        // Live restore: adopt what kept running while the engine was down, record what ended, apply restart policies.
        await containerService.RestoreAsync();
        logger.LogInformation("Engine started: version {Version}, pid {Pid}, data-root {DataRoot}, exec-root {ExecRoot}", identity.Version, Environment.ProcessId, settings.DataRoot, settings.ExecRoot);

        await app.WaitForShutdownAsync();
        await containerService.ShutdownAsync(settings.LiveRestore);
        if (!settings.LiveRestore)
        {
            // Its containers are stopped: the bridges and the firewall table go with the engine.
            networks.RemoveBridges();
            try { firewall.Remove(); }
            catch (IOException e) { logger.LogWarning("removing the firewall table failed: {Message}", e.Message); }
        }
        logger.LogInformation("Engine stopped {Pid}", Environment.ProcessId);
        return 0;
    }

    private static ILogger ImagesLog(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine.Images");

    /// <summary>--debug: one line per request with method, path, status and duration.</summary>
    private static void UseRequestLogging(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Containers.Engine.Requests");
        app.Use(async (context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                log.LogDebug("{Method} {Path} {Status} {Milliseconds}", context.Request.Method,
                    context.Request.Path.Value + context.Request.QueryString.Value, context.Response.StatusCode,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F1"));
            }
        });
    }
}
