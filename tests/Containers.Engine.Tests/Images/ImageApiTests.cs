using Containers.Api;
using Containers.Client;
using Containers.Engine.Tests.Infrastructure;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Images;

/// <summary>
/// Real registries (plain and htpasswd Basic), a busybox image written as an OCI layout and pushed by skopeo, and our
/// engine: pulls, lists, inspects, tags and removes through the docker CLI and through the client.
/// </summary>
public sealed class ImageApiFixture : RegistryEngineFixture
{
    public string PlainImage => $"{Registries.Plain.Host}/test/busybox:1.0";
    public string PrivateImage => $"{Registries.Basic.Host}/private/busybox:1.0";

    protected override void PushImages()
    {
        var image = new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer()), new LayerSpec(OciImageBuilder.WhiteoutLayer())]);
        Push(PlainImage, image);
        Push(PrivateImage, image, "--dest-creds", $"{RegistryFixture.User}:{RegistryFixture.Password}");
    }
}

public sealed class ImageApiTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    private string Host => "unix://" + fixture.Engine.SocketPath;

    private async Task<string> Docker(params string[] args) => await DockerCli.RunOkAsync(Host, args);

    [Fact]
    public async Task Docker_pull_shows_layer_progress_and_the_final_digest()
    {
        var output = await Docker("pull", fixture.PlainImage);
        Assert.Contains("1.0: Pulling from test/busybox", output);
        Assert.Matches("[0-9a-f]{12}: (Pull complete|Already exists)", output);
        Assert.Matches("Digest: sha256:[0-9a-f]{64}", output);
        Assert.Contains($"Status: ", output);
        var again = await Docker("pull", fixture.PlainImage);
        Assert.Contains($"Status: Image is up to date for {fixture.PlainImage}", again);
    }

    [Fact]
    public async Task Docker_pull_of_a_missing_tag_fails_naming_the_manifest()
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "pull", $"{fixture.Registries.Plain.Host}/test/busybox:missing");
        Assert.NotEqual(0, code);
        Assert.Contains("manifest for", stderr);
        Assert.Contains("not found", stderr);
    }

    [Fact]
    public async Task Docker_images_inspect_tag_and_rmi_work()
    {
        await Docker("pull", "-q", fixture.PlainImage);
        var listed = await Docker("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
        Assert.Contains($"{fixture.PlainImage} ", listed);

        var inspect = (await Docker("image", "inspect", fixture.PlainImage, "--format", "{{.Os}}/{{.Architecture}} {{len .RootFS.Layers}} {{json .Config.Cmd}}")).Trim();
        Assert.Equal("""linux/amd64 2 ["sh"]""", inspect);

        await Docker("tag", fixture.PlainImage, "copy-of-busybox:v2");
        Assert.Contains("copy-of-busybox:v2", await Docker("images", "--format", "{{.Repository}}:{{.Tag}}"));
        var untag = await Docker("rmi", "copy-of-busybox:v2");
        Assert.Equal("Untagged: copy-of-busybox:v2", untag.Trim());
        await Docker("image", "inspect", fixture.PlainImage); // still there
    }

    [Fact]
    public async Task Removing_the_last_reference_deletes_the_image()
    {
        await Docker("pull", "-q", fixture.PlainImage);
        await Docker("tag", fixture.PlainImage, "to-delete:1");
        var id = (await Docker("image", "inspect", "to-delete:1", "--format", "{{.Id}}")).Trim();
        var output = await Docker("rmi", "-f", id);
        Assert.Contains("Untagged: to-delete:1", output);
        Assert.Contains($"Deleted: {id}", output);
        var (code, _, stderr) = await DockerCli.RunAsync(Host, "image", "inspect", id);
        Assert.NotEqual(0, code);
        Assert.Contains("No such image", stderr);
    }

    [Fact]
    public async Task The_client_streams_progress_and_returns_typed_images()
    {
        using var client = fixture.Engine.CreateClient();
        var messages = new List<ProgressMessage>();
        await foreach (var m in client.PullImageAsync(fixture.PlainImage)) messages.Add(m);
        Assert.Contains(messages, m => m.Status?.StartsWith("Digest: sha256:", StringComparison.Ordinal) == true);

        var image = await client.InspectImageAsync(fixture.PlainImage);
        Assert.StartsWith("sha256:", image.Id);
        Assert.Contains(fixture.PlainImage, image.RepoTags);
        Assert.Contains(image.RepoDigests, d => d.StartsWith($"{fixture.Registries.Plain.Host}/test/busybox@sha256:", StringComparison.Ordinal));
        Assert.Equal(["sh"], image.Config.Cmd);

        var listed = await client.ListImagesAsync(filters: new Dictionary<string, string[]> { ["reference"] = [fixture.PlainImage] });
        Assert.Equal(image.Id, Assert.Single(listed).Id);
        var history = await client.GetImageHistoryAsync(fixture.PlainImage);
        Assert.Contains(history, h => h.CreatedBy == "layer 0");
        Assert.True((await client.GetInfoAsync()).Images >= 1);
    }

    [Fact]
    public async Task Pull_errors_are_clear()
    {
        using var client = fixture.Engine.CreateClient();
        var missing = await Assert.ThrowsAsync<ContainersEngineException>(async () =>
        {
            await foreach (var _ in client.PullImageAsync($"{fixture.Registries.Plain.Host}/no/such:tag")) { }
        });
        Assert.Contains("not found", missing.Message);
        var invalid = await Assert.ThrowsAsync<ContainersInvalidRequestException>(async () =>
        {
            await foreach (var _ in client.PullImageAsync("NotLowercase")) { }
        });
        Assert.Equal("invalid reference format: repository name (library/NotLowercase) must be lowercase", invalid.Message);
        await Assert.ThrowsAsync<ContainersNotFoundException>(() => client.InspectImageAsync("never-pulled:1"));
    }

    [Fact]
    public async Task A_private_registry_needs_docker_login()
    {
        using var config = new TempDirectory();
        var (denied, _, deniedError) = await DockerCli.RunWithConfigAsync(config, Host, "pull", fixture.PrivateImage);
        Assert.NotEqual(0, denied);
        Assert.Contains("401", deniedError + "unauthorized", StringComparison.OrdinalIgnoreCase);

        var (wrong, _, wrongError) = await DockerCli.RunWithConfigAsync(config, Host, "login", "-u", RegistryFixture.User, "-p", "wrong", fixture.Registries.Basic.Host);
        Assert.NotEqual(0, wrong);
        Assert.Contains(fixture.Registries.Basic.Host, wrongError);

        var (ok, loginOut, loginError) = await DockerCli.RunWithConfigAsync(config, Host, "login", "-u", RegistryFixture.User, "-p", RegistryFixture.Password, fixture.Registries.Basic.Host);
        Assert.True(ok == 0, loginError);
        Assert.Contains("Login Succeeded", loginOut);
        var (pulled, pullOut, pullError) = await DockerCli.RunWithConfigAsync(config, Host, "pull", fixture.PrivateImage);
        Assert.True(pulled == 0, pullError);
        Assert.Contains("Digest: sha256:", pullOut);
    }

    [Fact]
    public async Task Distribution_inspect_reads_the_registry_without_pulling()
    {
        using var client = fixture.Engine.CreateClient();
        var d = await client.InspectDistributionAsync(fixture.PlainImage);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", d.Descriptor.MediaType);
        Assert.Equal("amd64", Assert.Single(d.Platforms).Architecture);
    }

    [Fact]
    public async Task Image_events_are_published()
    {
        using var client = fixture.Engine.CreateClient();
        var since = DateTimeOffset.UtcNow;
        await foreach (var _ in client.PullImageAsync(fixture.PlainImage)) { }
        await client.TagImageAsync(fixture.PlainImage, "evented:1");
        await client.RemoveImageAsync("evented:1");
        var actions = new List<string>();
        await foreach (var e in client.GetEventsAsync(new EventsQuery(since, DateTimeOffset.UtcNow, new Dictionary<string, string[]> { ["type"] = ["image"] })))
            actions.Add(e.Action);
        Assert.Equal(["pull", "tag", "untag"], actions);
    }
}
