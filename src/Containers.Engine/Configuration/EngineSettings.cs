namespace Containers.Engine.Configuration;

/// <summary>The engine's effective settings, after flags and the daemon.json file are merged.</summary>
public sealed class EngineSettings
{
    public const string DefaultSocketPath = Shared.EngineAddress.DefaultSocketPath;
    public const string DefaultHost = Shared.EngineAddress.DefaultHost;
    public const string DefaultConfigFile = "/etc/containers-engine/daemon.json";

    public List<string> Hosts { get; set; } = [];
    public string DataRoot { get; set; } = "/var/lib/containers-engine";
    public string ExecRoot { get; set; } = "/run/containers-engine";
    public string ConfigFile { get; set; } = DefaultConfigFile;
    public string? PidFile { get; set; }
    public bool Debug { get; set; }

    /// <summary>
    /// dockerd's live-restore: when the engine stops (SIGTERM, SIGINT), its containers keep running, to be re-adopted at
    /// the next start. Off by default, as in dockerd: a stop then stops the containers with their stop signal and
    /// timeout. Either way a crash (SIGKILL) takes no container with it; containers always outlive an engine that dies.
    /// </summary>
    public bool LiveRestore { get; set; }

    /// <summary>
    /// The Linux bridge of the default "bridge" network (dockerd's <c>--bridge</c>/<c>-b</c>, daemon.json "bridge"); not
    /// dockerd's docker0, so both engines can run on one host. Made at engine start, removed at a clean stop.
    /// </summary>
    public string Bridge { get; set; } = DefaultBridge;

    public const string DefaultBridge = "containers0";
    public List<string> RegistryMirrors { get; set; } = [];
    public List<string> InsecureRegistries { get; set; } = [];
    public string LogDriver { get; set; } = "json-file";
    public Dictionary<string, string> LogOpts { get; set; } = [];
    public string? StorageDriver { get; set; }
    public int MaxConcurrentDownloads { get; set; } = 3;
    public bool Tls { get; set; }
    public bool TlsVerify { get; set; }
    public string? TlsCaCert { get; set; }
    public string? TlsCert { get; set; }
    public string? TlsKey { get; set; }

    /// <summary>
    /// The resolv.conf containers' DNS settings come from (search domains, options; the nameservers the embedded
    /// resolver forwards to, loopback ones left out). Not a dockerd flag, which finds systemd-resolved's file itself:
    /// a host whose /etc/resolv.conf names only 127.0.0.53 points it at /run/systemd/resolve/resolv.conf; test engines
    /// at a file of their own, so no test ever reaches a real resolver.
    /// </summary>
    public string ResolvConf { get; set; } = "/etc/resolv.conf";

    /// <summary>The hosts to listen on: the configured ones, or the default socket.</summary>
    public IReadOnlyList<string> EffectiveHosts => Hosts.Count > 0 ? Hosts : [DefaultHost];

    /// <summary>Where the engine's single-instance lock lives.</summary>
    public string LockFilePath => Path.Combine(DataRoot, "engine.lock");
}

/// <summary>A configuration or start-up problem: the engine prints the message and exits non-zero.</summary>
public sealed class EngineStartupException(string message) : Exception(message);
