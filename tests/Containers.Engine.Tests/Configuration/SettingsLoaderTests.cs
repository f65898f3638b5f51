using Containers.Engine.Configuration;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Configuration;

/// <summary>The flag and daemon.json rules, checked in-process (the process-level refusals are in EngineStartupTests).</summary>
public sealed class SettingsLoaderTests : IDisposable
{
    private readonly string _dir = EngineProcess.NewDirectory();

    private string Config(string json)
    {
        var path = Path.Combine(_dir, "daemon.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static EngineSettings Load(params string[] args)
    {
        var (command, settings) = SettingsLoader.Load(args);
        Assert.Equal(SettingsLoader.Command.Run, command);
        return settings;
    }

    [Fact]
    public void Defaults_match_the_documented_paths()
    {
        var s = Load("--config-file", Config("{}"));
        Assert.Equal(["unix:///run/containers-engine.sock"], s.EffectiveHosts);
        Assert.Equal("/var/lib/containers-engine", s.DataRoot);
        Assert.Equal("/run/containers-engine", s.ExecRoot);
        Assert.Equal(3, s.MaxConcurrentDownloads);
        Assert.Equal("json-file", s.LogDriver);
        Assert.False(s.Debug);
    }

    [Fact]
    public void Flags_in_every_form_are_applied()
    {
        var s = Load("--config-file", Config("{}"), "-H", "unix:///tmp/a.sock", "--host=tcp://127.0.0.1:2375", "--data-root=/srv/d",
            "--exec-root", "/run/x", "-D", "--registry-mirror", "https://m1", "--registry-mirror", "https://m2",
            "--insecure-registry", "reg.local:5000", "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
            "-s", "native", "--max-concurrent-downloads", "5", "-p", "/run/x.pid", "--resolv-conf", "/run/r.conf");
        Assert.Equal(["unix:///tmp/a.sock", "tcp://127.0.0.1:2375"], s.Hosts);
        Assert.Equal("/srv/d", s.DataRoot);
        Assert.Equal("/run/x", s.ExecRoot);
        Assert.True(s.Debug);
        Assert.Equal(["https://m1", "https://m2"], s.RegistryMirrors);
        Assert.Equal(["reg.local:5000"], s.InsecureRegistries);
        Assert.Equal("10m", s.LogOpts["max-size"]);
        Assert.Equal("3", s.LogOpts["max-file"]);
        Assert.Equal("native", s.StorageDriver);
        Assert.Equal(5, s.MaxConcurrentDownloads);
        Assert.Equal("/run/x.pid", s.PidFile);
        Assert.Equal("/run/r.conf", s.ResolvConf);
    }

    [Fact]
    public void Every_daemon_json_key_is_applied()
    {
        var s = Load("--config-file", Config("""
            {
              "hosts": ["unix:///tmp/b.sock"], "data-root": "/srv/data", "exec-root": "/run/e", "debug": true,
              "registry-mirrors": ["https://mirror"], "insecure-registries": ["10.0.0.0/8"], "log-driver": "none",
              "log-opts": {"max-size": "1m"}, "storage-driver": "overlayfs", "max-concurrent-downloads": 7, "pidfile": "/run/p.pid",
              "resolv-conf": "/run/systemd/resolve/resolv.conf"
            }
            """));
        Assert.Equal(["unix:///tmp/b.sock"], s.Hosts);
        Assert.Equal("/srv/data", s.DataRoot);
        Assert.Equal("/run/e", s.ExecRoot);
        Assert.True(s.Debug);
        Assert.Equal(["https://mirror"], s.RegistryMirrors);
        Assert.Equal(["10.0.0.0/8"], s.InsecureRegistries);
        Assert.Equal("none", s.LogDriver);
        Assert.Equal("1m", s.LogOpts["max-size"]);
        Assert.Equal("overlayfs", s.StorageDriver);
        Assert.Equal(7, s.MaxConcurrentDownloads);
        Assert.Equal("/run/p.pid", s.PidFile);
        Assert.Equal("/run/systemd/resolve/resolv.conf", s.ResolvConf);
    }

    [Fact]
    public void A_setting_given_as_flag_and_in_the_file_is_an_error_naming_it()
    {
        var config = Config("""{"debug": false, "data-root": "/a"}""");
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", config, "--debug", "--data-root", "/b"));
        Assert.Contains("specified both as a flag and in the configuration file", e.Message);
        Assert.Contains("debug: (from flag: true, from file: false)", e.Message);
        Assert.Contains("data-root: (from flag: /b, from file: /a)", e.Message);
    }

    [Fact]
    public void A_repeatable_flag_conflicts_with_its_file_key()
    {
        var config = Config("""{"registry-mirrors": ["https://a"]}""");
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", config, "--registry-mirror", "https://b"));
        Assert.Contains("registry-mirrors: (from flag: [https://b], from file: [https://a])", e.Message);
    }

    [Fact]
    public void An_unknown_key_is_an_error_naming_it()
    {
        var config = Config("""{"debug": true, "no-such-option": 1, "other": "x"}""");
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", config));
        Assert.Contains("don't match any configuration option: no-such-option, other", e.Message);
    }

    [Theory]
    [InlineData("""{"debug": "yes"}""", "\"debug\": expected a boolean")]
    [InlineData("""{"hosts": "unix:///x"}""", "\"hosts\": expected an array of strings")]
    [InlineData("""{"max-concurrent-downloads": 1.5}""", "expected an integer")]
    [InlineData("""{"log-opts": {"max-size": 5}}""", "expected an object of strings")]
    [InlineData("""{"debug": tru""", "invalid JSON at line 1")]
    [InlineData("[]", "the top level must be a JSON object")]
    public void A_malformed_file_is_an_error_naming_the_problem(string json, string expected)
    {
        var config = Config(json);
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", config));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_explicit_config_file_is_an_error()
    {
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", Path.Combine(_dir, "absent.json")));
        Assert.Contains("no such file or directory", e.Message);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown flag: --bogus")]
    [InlineData(new[] { "--data-root" }, "flag needs an argument: --data-root")]
    [InlineData(new[] { "--debug=maybe" }, "invalid boolean value \"maybe\"")]
    [InlineData(new[] { "--max-concurrent-downloads", "many" }, "invalid integer value \"many\"")]
    [InlineData(new[] { "--max-concurrent-downloads", "0" }, "must be at least 1")]
    [InlineData(new[] { "--log-opt", "novalue" }, "expected KEY=VALUE")]
    [InlineData(new[] { "--data-root", "relative/path" }, "data-root must be an absolute path")]
    [InlineData(new[] { "--log-driver", "syslog" }, "unsupported log-driver \"syslog\"")]
    [InlineData(new[] { "-s", "zfs" }, "unsupported storage-driver \"zfs\"")]
    [InlineData(new[] { "--bridge", "a-name-longer-than-15" }, "invalid bridge name \"a-name-longer-than-15\"")]
    [InlineData(new[] { "-b", "br/0" }, "invalid bridge name \"br/0\"")]
    public void Bad_flags_are_errors_naming_the_flag(string[] args, string expected)
    {
        var e = Assert.Throws<EngineStartupException>(() => Load(["--config-file", Config("{}"), .. args]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_default_bridge_is_containers0_and_set_by_flag_or_file_not_both()
    {
        Assert.Equal("containers0", Load("--config-file", Config("{}")).Bridge);
        Assert.Equal("ctab", Load("--config-file", Config("{}"), "-b", "ctab").Bridge);
        Assert.Equal("ctcd", Load("--config-file", Config("""{"bridge":"ctcd"}""")).Bridge);
        var e = Assert.Throws<EngineStartupException>(() => Load("--config-file", Config("""{"bridge":"ctcd"}"""), "--bridge", "ctab"));
        Assert.Contains("bridge: (from flag: ctab, from file: ctcd)", e.Message);
    }

    [Fact]
    public void Explicit_false_for_a_boolean_flag_is_honoured()
    {
        Assert.False(Load("--config-file", Config("{}"), "--debug=false").Debug);
    }

    [Fact]
    public void Tlsverify_implies_tls()
    {
        Assert.True(Load("--config-file", Config("{}"), "--tlsverify").Tls);
    }

    [Fact]
    public void Help_and_version_are_commands_not_runs()
    {
        Assert.Equal(SettingsLoader.Command.Help, SettingsLoader.Load(["--help"]).Command);
        Assert.Equal(SettingsLoader.Command.Version, SettingsLoader.Load(["-v"]).Command);
        Assert.Contains("--data-root", SettingsLoader.HelpText());
        Assert.Contains("daemon.json: \"max-concurrent-downloads\"", SettingsLoader.HelpText());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
