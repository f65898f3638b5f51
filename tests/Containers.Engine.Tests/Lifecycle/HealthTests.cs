using System.Text.Json;
using Containers.Api;
using Containers.Engine.Lifecycle;
using Containers.Engine.Tests.Images;
using Containers.Testing;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>
/// Health checks through the real docker CLI against the real engine: the --health-* flags, State.Health, the status
/// in docker ps, the health filter, health_status events, timeouts, and Docker's create-time checks.
/// </summary>
public sealed class HealthTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;
    private string Image => fixture.PlainImage;

    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    private async Task<JsonElement> Health(string name)
    {
        using var doc = JsonDocument.Parse(await Docker("inspect", "--format", "{{json .State.Health}}", name));
        return doc.RootElement.Clone();
    }

    private async Task<string?> HealthStatus(string name)
    {
        var health = await Health(name);
        return health.ValueKind == JsonValueKind.Null ? null : health.GetProperty("Status").GetString();
    }

    [Fact]
    public async Task A_container_goes_from_starting_to_unhealthy_to_healthy_as_its_check_fails_then_passes()
    {
        var name = Unique("health");
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        // The check passes once /tmp/ok exists (the test image has no /tmp: the container makes it).
        await Docker("run", "-d", "--name", name, "--network", "none", "--health-cmd", "test -f /tmp/ok", "--health-interval", "1s",
            "--health-retries", "2", Image, "sh", "-c", "mkdir -p /tmp; while true; do sleep 1; done");
        try
        {
            Assert.Equal("starting", await HealthStatus(name));
            Assert.Contains("(health: starting)", await Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}"));

            await Poll.UntilAsync(async () => await HealthStatus(name) == "unhealthy", "the container to become unhealthy");
            var health = await Health(name);
            Assert.True(health.GetProperty("FailingStreak").GetInt32() >= 2);
            var last = health.GetProperty("Log").EnumerateArray().Last();
            Assert.Equal(1, last.GetProperty("ExitCode").GetInt32());
            Assert.Contains("(unhealthy)", await Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}"));
            Assert.Equal(name, await Docker("ps", "--filter", "health=unhealthy", "--filter", $"name={name}", "--format", "{{.Names}}"));

            await Docker("exec", name, "sh", "-c", "touch /tmp/ok"); // the test image links no touch applet
            await Poll.UntilAsync(async () => await HealthStatus(name) == "healthy", "the container to become healthy");
            health = await Health(name);
            Assert.Equal(0, health.GetProperty("FailingStreak").GetInt32());
            Assert.True(health.GetProperty("Log").GetArrayLength() <= 5);
            Assert.Contains("(healthy)", await Docker("ps", "--filter", $"name={name}", "--format", "{{.Status}}"));
            Assert.Equal(name, await Docker("ps", "--filter", "health=healthy", "--filter", $"name={name}", "--format", "{{.Names}}"));
            Assert.Equal("", await Docker("ps", "--filter", "health=unhealthy", "--filter", $"name={name}", "--format", "{{.Names}}"));

            var events = await Docker("events", "--since", since, "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
                "--filter", $"container={name}", "--filter", "event=health_status", "--format", "{{.Action}}");
            Assert.Equal(["health_status: unhealthy", "health_status: healthy"], events.Split('\n'));
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task A_probe_that_outlives_its_timeout_fails_with_Dockers_message()
    {
        var name = Unique("slow");
        await Docker("run", "-d", "--name", name, "--network", "none", "--health-cmd", "sleep 77", "--health-timeout", "300ms",
            "--health-interval", "1s", "--health-retries", "1", Image, "sleep", "1000");
        try
        {
            await Poll.UntilAsync(async () => await HealthStatus(name) == "unhealthy", "the timed-out check to make it unhealthy");
            var last = (await Health(name)).GetProperty("Log").EnumerateArray().Last();
            Assert.Equal(-1, last.GetProperty("ExitCode").GetInt32());
            Assert.Equal("Health check exceeded timeout (300ms)", last.GetProperty("Output").GetString());
            // Each probe is killed at its timeout: after three of them, at most the one in flight is left.
            await Poll.UntilAsync(async () => (await Health(name)).GetProperty("Log").GetArrayLength() >= 3, "three probes");
            Assert.True(ProcessesRunning("sleep", "77") <= 1, "timed-out probes were left running");
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    /// <summary>Host processes whose arguments are exactly <paramref name="args"/>.</summary>
    private static int ProcessesRunning(params string[] args) => Directory.GetDirectories("/proc").Count(dir =>
    {
        try { return File.ReadAllText(Path.Combine(dir, "cmdline")) == string.Join('\0', args) + "\0"; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    });

    [Fact]
    public async Task The_output_of_the_check_is_kept_and_a_stopped_container_keeps_its_last_status()
    {
        var name = Unique("out");
        await Docker("run", "-d", "--name", name, "--network", "none", "--health-cmd", "echo out; echo err >&2", "--health-interval", "1s",
            Image, "sleep", "1000");
        try
        {
            await Poll.UntilAsync(async () => await HealthStatus(name) == "healthy", "the container to become healthy");
            var first = (await Health(name)).GetProperty("Log")[0];
            Assert.Equal("out\nerr\n", first.GetProperty("Output").GetString());
            Assert.Equal(0, first.GetProperty("ExitCode").GetInt32());
            Assert.True(DateTimeOffset.Parse(first.GetProperty("End").GetString()!) >= DateTimeOffset.Parse(first.GetProperty("Start").GetString()!));

            await Docker("stop", "-t", "1", name);
            Assert.Equal("healthy", await HealthStatus(name));
            Assert.StartsWith("Exited", await Docker("ps", "-a", "--filter", $"name={name}", "--format", "{{.Status}}"));
        }
        finally
        {
            await Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task Without_a_check_or_with_no_healthcheck_there_is_no_health_and_the_none_filter_lists_it()
    {
        var plain = Unique("plain");
        var off = Unique("off");
        await Docker("run", "-d", "--name", plain, "--network", "none", Image, "sleep", "1000");
        await Docker("run", "-d", "--name", off, "--network", "none", "--no-healthcheck", Image, "sleep", "1000");
        try
        {
            Assert.Null(await HealthStatus(plain));
            Assert.Null(await HealthStatus(off));
            var none = (await Docker("ps", "--filter", "health=none", "--format", "{{.Names}}")).Split('\n');
            Assert.Contains(plain, none);
            Assert.Contains(off, none);
            Assert.DoesNotContain("health", await Docker("ps", "--filter", $"name={plain}", "--format", "{{.Status}}"));
        }
        finally
        {
            await Docker("rm", "-f", plain, off);
        }
    }

    [Fact]
    public async Task Bad_health_settings_and_filters_get_Dockers_400()
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "ps", "--filter", "health=bogus");
        Assert.NotEqual(0, code);
        Assert.Contains("Unrecognised filter value for health: bogus", stderr);

        var body = JsonSerializer.Serialize(new { Image, Cmd = new[] { "true" }, Healthcheck = new { Test = new[] { "CMD", "true" }, Interval = 1000 } });
        var r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/containers/create", body);
        Assert.Equal(400, r.Status);
        Assert.Contains("Interval in Healthcheck cannot be less than 1ms", r.Body);

        body = JsonSerializer.Serialize(new { Image, Cmd = new[] { "true" }, Healthcheck = new { Test = new[] { "CMD", "true" }, Retries = -1 } });
        r = await RawHttp.SendAsync(fixture.Engine.SocketPath, HttpMethod.Post, "/containers/create", body);
        Assert.Equal(400, r.Status);
        Assert.Contains("Retries in Healthcheck cannot be negative", r.Body);
    }

    [Fact]
    public void The_images_check_fills_what_the_request_leaves_unset()
    {
        var image = new Containers.Images.Manifests.ContainerConfig
        {
            Cmd = ["sleep", "1"],
            Healthcheck = new Containers.Images.Manifests.HealthConfig { Test = ["CMD-SHELL", "true"], Interval = 5_000_000_000, Retries = 7 },
        };
        var id = new string('c', 64);
        var (fromImage, _, _) = ContainerConfigMerger.Merge(new ContainerCreateRequest(), image, "img", id);
        Assert.Equal(["CMD-SHELL", "true"], fromImage.Healthcheck!.Test);
        Assert.Equal(5_000_000_000, fromImage.Healthcheck.Interval);

        var request = new ContainerCreateRequest { Healthcheck = new HealthConfig { Interval = 2_000_000_000 } };
        var (merged, _, _) = ContainerConfigMerger.Merge(request, image, "img", id);
        Assert.Equal(["CMD-SHELL", "true"], merged.Healthcheck!.Test);
        Assert.Equal(2_000_000_000, merged.Healthcheck.Interval);
        Assert.Equal(7, merged.Healthcheck.Retries);

        var (disabled, _, _) = ContainerConfigMerger.Merge(new ContainerCreateRequest { Healthcheck = new HealthConfig { Test = ["NONE"] } }, image, "img", id);
        Assert.Null(Engine.Health.HealthCheck.Of(disabled.Healthcheck));
    }
}
