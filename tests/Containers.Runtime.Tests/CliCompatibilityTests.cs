using System.Text.Json.Nodes;

namespace Containers.Runtime.Tests;

/// <summary>The containers-runtime command line against runc itself, on bundles made by `runc spec`.</summary>
public sealed class CliCompatibilityTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    private readonly string runcRoot = Directory.CreateTempSubdirectory("crt-runc-").FullName;

    public void Dispose()
    {
        f.Dispose();
        try { Directory.Delete(runcRoot, true); } catch (IOException) { }
    }

    /// <summary>A busybox bundle whose config.json is written by runc, then edited only in process.terminal/args.</summary>
    private TestBundle RuncBundle(string script)
    {
        var b = f.Bundle("true");
        File.Delete(Path.Combine(b.Dir, "config.json"));
        var spec = f.Exec("/bin/sh", "-c", $"cd '{b.Dir}' && runc spec");
        Assert.Equal(0, spec.ExitCode);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(b.Dir, "config.json")))!;
        json["process"]!["terminal"] = false;
        json["process"]!["args"] = new JsonArray("sh", "-c", script);
        File.WriteAllText(Path.Combine(b.Dir, "config.json"), json.ToJsonString());
        return b;
    }

    [Fact]
    public void SpecWritesWhatRuncSpecWrites()
    {
        var ours = Directory.CreateTempSubdirectory("crt-spec-").FullName;
        var theirs = Directory.CreateTempSubdirectory("crt-spec-").FullName;
        try
        {
            Assert.Equal(0, f.Cli("spec", "--bundle", ours).ExitCode);
            Assert.Equal(0, f.Exec("/bin/sh", "-c", $"cd '{theirs}' && runc spec").ExitCode);
            var a = JsonNode.Parse(File.ReadAllText(Path.Combine(ours, "config.json")));
            var b = JsonNode.Parse(File.ReadAllText(Path.Combine(theirs, "config.json")));
            Assert.True(JsonNode.DeepEquals(a, b), $"ours:\n{a}\nrunc:\n{b}");
            // runc refuses to overwrite an existing config.json, and so do we.
            Assert.NotEqual(0, f.Cli("spec", "--bundle", ours).ExitCode);
        }
        finally { Directory.Delete(ours, true); Directory.Delete(theirs, true); }
    }

    [Fact]
    public void SameBundleLooksTheSameInsideUnderRuncAndUs()
    {
        var b = RuncBundle("id; hostname; grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status; ls -la /dev | awk '{print $1, $NF}'; " +
            "cut -d' ' -f2,3,4 /proc/self/mounts | sort; ulimit -n; ls /sys/fs/cgroup; echo pid=$$; exit 5");
        var runc = f.Exec("runc", "--root", runcRoot, "run", "--bundle", b.Dir, f.NewId("runc"));
        var ours = f.Cli("run", "--bundle", b.Dir, f.NewId());
        Assert.Equal(5, runc.ExitCode);
        Assert.Equal(5, ours.ExitCode);
        Assert.Equal(runc.Stdout, ours.Stdout);
        Assert.Contains("pid=1", ours.Stdout);
    }

    [Fact]
    public async Task CreateStartStateKillDeleteLikeRunc()
    {
        var b = RuncBundle("sleep 1000");
        string id = f.NewId();
        string pidFile = Path.Combine(b.Dir, "pid");
        Assert.Equal(0, f.Cli("create", "--bundle", b.Dir, "--pid-file", pidFile, id).ExitCode);
        var state = JsonNode.Parse(f.Cli("state", id).Stdout)!;
        Assert.Equal("created", (string?)state["status"]);
        Assert.Equal(int.Parse(File.ReadAllText(pidFile)), (int)state["pid"]!);
        Assert.Equal(b.Dir, (string?)state["bundle"]);

        // runc's state document for the same bundle has exactly the same fields.
        string runcId = f.NewId("runc");
        Assert.Equal(0, f.Exec("runc", "--root", runcRoot, "create", "--bundle", b.Dir, runcId).ExitCode);
        var runcState = JsonNode.Parse(f.Exec("runc", "--root", runcRoot, "state", runcId).Stdout)!;
        f.Exec("runc", "--root", runcRoot, "delete", "--force", runcId);
        Assert.Equal(runcState.AsObject().Select(p => p.Key).Order(), state.AsObject().Select(p => p.Key).Order());

        Assert.Equal(0, f.Cli("start", id).ExitCode);
        Assert.Equal("running", (string?)JsonNode.Parse(f.Cli("state", id).Stdout)!["status"]);
        var ps = f.Cli("ps", id);
        Assert.Contains("sleep 1000", ps.Stdout);
        var refused = f.Cli("delete", id);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("running", refused.Stderr);
        Assert.Equal(0, f.Cli("kill", id, "KILL").ExitCode);
        await f.Runtime.WaitAsync(id);
        Assert.Equal("stopped", (string?)JsonNode.Parse(f.Cli("state", id).Stdout)!["status"]);
        Assert.Equal(0, f.Cli("delete", id).ExitCode);
        var gone = f.Cli("state", id);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains($"container '{id}' does not exist", gone.Stderr);
        Assert.Equal(0, f.Cli("delete", "--force", id).ExitCode); // like runc: forced delete of nothing succeeds
    }

    [Fact]
    public void PauseResumeAndDetachedRunThroughTheCli()
    {
        var b = RuncBundle("sleep 1000");
        string id = f.NewId();
        Assert.Equal(0, f.Cli("run", "--detach", "--bundle", b.Dir, id).ExitCode);
        Assert.Equal(0, f.Cli("pause", id).ExitCode);
        Assert.Equal("paused", (string?)JsonNode.Parse(f.Cli("state", id).Stdout)!["status"]);
        Assert.Equal(0, f.Cli("resume", id).ExitCode);
        Assert.Equal("running", (string?)JsonNode.Parse(f.Cli("state", id).Stdout)!["status"]);
        Assert.Equal(0, f.Cli("delete", "--force", id).ExitCode);
    }

    [Fact]
    public void FeaturesAndUsageErrors()
    {
        var features = JsonNode.Parse(f.Cli("features").Stdout)!;
        Assert.Contains("CAP_SYS_ADMIN", features["linux"]!["capabilities"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("rbind", features["mountOptions"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("rro", features["mountOptions"]!.AsArray().Select(n => (string?)n)); // what dockerd looks for before asking for rro
        var unknown = f.Cli("frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", unknown.Stderr);
        var noId = f.Cli("start");
        Assert.Contains("requires a container id", noId.Stderr);
        var badSignal = f.Cli("kill", "x", "SIGNOPE");
        Assert.Contains("unknown signal 'SIGNOPE'", badSignal.Stderr);
    }
}

/// <summary>The global --log/--log-format flags containerd's runc shim passes.</summary>
public sealed class CliLogTests : IDisposable
{
    private readonly RuntimeFixture f = new();
    public void Dispose() => f.Dispose();

    [Fact]
    public void ErrorsGoToTheJsonLogFileAsContainerdExpects()
    {
        string log = Path.Combine(f.Root, "log.json");
        var r = f.Exec(RuntimeFixture.Binary, "--root", f.Root, "--log", log, "--log-format", "json", "create", "--bundle", "/nonexistent-bundle", f.NewId());
        Assert.Equal(1, r.ExitCode);
        var entry = JsonNode.Parse(File.ReadAllLines(log).Last())!;
        Assert.Equal("error", (string?)entry["level"]);
        Assert.Contains("/nonexistent-bundle/config.json", (string?)entry["msg"]);
        Assert.NotNull((string?)entry["time"]);
    }
}
