namespace Containers.Engine.Configuration;

/// <summary>
/// Every setting, named once: its daemon.json key, its command-line flags, and how a value is stored.
/// Flags and file keys share this table so "given both as flag and in the file" can be detected by key.
/// </summary>
internal sealed record SettingKey(
    string Key,
    string[] Flags,
    SettingKind Kind,
    Action<EngineSettings, object> Apply);

internal enum SettingKind { String, Bool, Int, List, Map }

internal static class SettingKeys
{
    public static readonly SettingKey[] All =
    [
        new("hosts", ["-H", "--host"], SettingKind.List, (s, v) => s.Hosts = (List<string>)v),
        new("data-root", ["--data-root"], SettingKind.String, (s, v) => s.DataRoot = (string)v),
        new("exec-root", ["--exec-root"], SettingKind.String, (s, v) => s.ExecRoot = (string)v),
        new("pidfile", ["-p", "--pidfile"], SettingKind.String, (s, v) => s.PidFile = (string)v),
        new("debug", ["-D", "--debug"], SettingKind.Bool, (s, v) => s.Debug = (bool)v),
        new("live-restore", ["--live-restore"], SettingKind.Bool, (s, v) => s.LiveRestore = (bool)v),
        new("bridge", ["-b", "--bridge"], SettingKind.String, (s, v) => s.Bridge = (string)v),
        new("registry-mirrors", ["--registry-mirror"], SettingKind.List, (s, v) => s.RegistryMirrors = (List<string>)v),
        new("insecure-registries", ["--insecure-registry"], SettingKind.List, (s, v) => s.InsecureRegistries = (List<string>)v),
        new("log-driver", ["--log-driver"], SettingKind.String, (s, v) => s.LogDriver = (string)v),
        new("log-opts", ["--log-opt"], SettingKind.Map, (s, v) => s.LogOpts = (Dictionary<string, string>)v),
        new("storage-driver", ["-s", "--storage-driver"], SettingKind.String, (s, v) => s.StorageDriver = (string)v),
        new("max-concurrent-downloads", ["--max-concurrent-downloads"], SettingKind.Int, (s, v) => s.MaxConcurrentDownloads = (int)v),
        new("tls", ["--tls"], SettingKind.Bool, (s, v) => s.Tls = (bool)v),
        new("tlsverify", ["--tlsverify"], SettingKind.Bool, (s, v) => s.TlsVerify = (bool)v),
        new("tlscacert", ["--tlscacert"], SettingKind.String, (s, v) => s.TlsCaCert = (string)v),
        new("tlscert", ["--tlscert"], SettingKind.String, (s, v) => s.TlsCert = (string)v),
        new("tlskey", ["--tlskey"], SettingKind.String, (s, v) => s.TlsKey = (string)v),
        new("resolv-conf", ["--resolv-conf"], SettingKind.String, (s, v) => s.ResolvConf = (string)v),
    ];

    public static SettingKey? ByFlag(string flag) => All.FirstOrDefault(k => k.Flags.Contains(flag));

    public static SettingKey? ByKey(string key) => All.FirstOrDefault(k => k.Key == key);
}
