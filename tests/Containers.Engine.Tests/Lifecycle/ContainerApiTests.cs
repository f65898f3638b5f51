using System.Text.Json;
using Containers.Engine.Tests.Images;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>docker create, ps, inspect, rename, rm and container prune against our engine; running is refused clearly.</summary>
public sealed class ContainerApiTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;

    private async Task<string> Docker(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    private async Task<string> DockerError(params string[] args)
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, args);
        Assert.NotEqual(0, code);
        return stderr.Trim();
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Docker_create_pulls_if_needed_and_ps_inspect_show_the_container()
    {
        var name = Unique("web");
        var id = await Docker("create", "--name", name, "-e", "GREETING=hi", "--label", "tier=front", fixture.PlainImage, "sh", "-c", "echo hi");
        Assert.Matches("^[0-9a-f]{64}$", id.Split('\n')[^1]);

        var row = await Docker("ps", "-a", "--filter", $"name={name}", "--format", "{{.Names}}|{{.Status}}|{{.Command}}|{{.Image}}");
        Assert.Equal($"{name}|Created|\"sh -c 'echo hi'\"|{fixture.PlainImage}", row);
        Assert.DoesNotContain(name, await Docker("ps", "--format", "{{.Names}}")); // not running

        using var inspect = JsonDocument.Parse(await Docker("inspect", name));
        var c = inspect.RootElement[0];
        Assert.Equal("/" + name, c.GetProperty("Name").GetString());
        Assert.Equal("created", c.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal("sh", c.GetProperty("Path").GetString());
        Assert.Contains("GREETING=hi", c.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("front", c.GetProperty("Config").GetProperty("Labels").GetProperty("tier").GetString());
        Assert.Equal("overlayfs", c.GetProperty("Driver").GetString());
        Assert.Equal(id[..12], c.GetProperty("Config").GetProperty("Hostname").GetString());
    }

    [Fact]
    public async Task A_generated_name_is_adjective_underscore_surname_and_an_id_prefix_finds_the_container()
    {
        var id = await Docker("create", fixture.PlainImage, "true");
        var name = await Docker("inspect", "--format", "{{.Name}}", id[..10]);
        Assert.Matches("^/[a-z]+_[a-z]+[0-9]*$", name);
    }

    [Fact]
    public async Task Create_gives_no_network_warning_and_settings_are_checked()
    {
        var (code, stdout, stderr) = await DockerCli.RunAsync(Host, "create", fixture.PlainImage, "true");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("WARNING", stdout + stderr);
        Assert.EndsWith("Error response from daemon: network mynet not found", await DockerError("create", "--network", "mynet", fixture.PlainImage, "true"));
        Assert.Equal("Error response from daemon: Minimum memory limit allowed is 6MB", await DockerError("create", "--memory", "1m", fixture.PlainImage, "true"));
        Assert.Equal("Error response from daemon: invalid restart policy 'sometimes'", await DockerError("create", "--restart", "sometimes", fixture.PlainImage, "true"));
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict()
    {
        var name = Unique("dup");
        var id = await Docker("create", "--name", name, fixture.PlainImage, "true");
        var error = await DockerError("create", "--name", name, fixture.PlainImage, "true");
        Assert.Equal($"Error response from daemon: Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name.", error);
    }

    [Fact]
    public async Task Rename_rm_and_prune_work_and_are_reported_as_events()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var (a, b) = (Unique("a"), Unique("b"));
        var id = await Docker("create", "--name", a, fixture.PlainImage, "true");
        await Docker("rename", a, b);
        Assert.Equal("/" + b, await Docker("inspect", "--format", "{{.Name}}", id));
        Assert.Equal(b, await Docker("rm", b));
        Assert.Contains("No such container", await DockerError("container", "inspect", id));
        Assert.False(Directory.Exists(Path.Combine(fixture.Engine.DataRoot, "containers", id)));

        var pruned = await Docker("create", fixture.PlainImage, "true");
        Assert.Contains(pruned, await Docker("container", "prune", "-f"));
        var until = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString();
        var events = await Docker("events", "--since", since, "--until", until, "--filter", $"container={id}", "--format", "{{.Action}}");
        Assert.Equal(["create", "rename", "destroy"], events.Split('\n'));
    }

    [Fact]
    public async Task The_client_creates_lists_renames_and_removes_typed_containers()
    {
        using var client = fixture.Engine.CreateClient();
        await foreach (var _ in client.PullImageAsync(fixture.PlainImage)) { } // the client does not pull on its own, as the CLI does
        var name = Unique("typed");
        var created = await client.CreateContainerAsync(new Containers.Api.ContainerCreateRequest
        {
            Image = fixture.PlainImage, Cmd = ["true"], Labels = new() { ["suite"] = name },
            HostConfig = new Containers.Api.HostConfig { NetworkMode = "none" },
        }, name);
        Assert.Empty(created.Warnings);
        var listed = Assert.Single(await client.ListContainersAsync(all: true, new Dictionary<string, string[]> { ["label"] = [$"suite={name}"] }));
        Assert.Equal((created.Id, name, "created", "Created"), (listed.Id, listed.Name, listed.State, listed.Status));
        Assert.Empty(await client.ListContainersAsync(all: false, new Dictionary<string, string[]> { ["label"] = [$"suite={name}"] }));

        await client.RenameContainerAsync(name, name + "-2");
        Assert.Equal("/" + name + "-2", (await client.InspectContainerAsync(created.Id)).Name);
        await client.RemoveContainerAsync(created.Id);
        await Assert.ThrowsAsync<Containers.Client.ContainersNotFoundException>(() => client.InspectContainerAsync(created.Id));
        var conflict = await client.CreateContainerAsync(new() { Image = fixture.PlainImage, Cmd = ["true"] }, name + "-3");
        await Assert.ThrowsAsync<Containers.Client.ContainersConflictException>(() => client.CreateContainerAsync(new() { Image = fixture.PlainImage, Cmd = ["true"] }, name + "-3"));
        await client.RemoveContainerAsync(conflict.Id);
    }
}
