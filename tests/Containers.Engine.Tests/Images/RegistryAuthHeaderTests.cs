using Containers.Api;
using Containers.Engine.Tests.Infrastructure;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Images;

/// <summary>
/// <c>X-Registry-Auth</c> as docker clients send it (base64url of the AuthConfig JSON), read by the engine on a pull from
/// a Basic-auth registry; what was the image library's own decoder is gone, so its cases are proven here, end to end.
/// </summary>
public sealed class RegistryAuthHeaderTests(ImageApiFixture fixture) : IClassFixture<ImageApiFixture>
{
    [Fact]
    public void The_header_round_trips_the_auth_config()
    {
        var auth = new AuthConfig { Username = "user", Password = "p+/?w", ServerAddress = "registry.example:5000" };
        var header = RegistryAuthHeader.Encode(auth);
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        var decoded = RegistryAuthHeader.Decode(header)!;
        Assert.Equal((auth.Username, auth.Password, auth.ServerAddress), (decoded.Username, decoded.Password, decoded.ServerAddress));
    }

    [Fact]
    public async Task A_pull_with_the_header_authenticates_and_without_it_is_refused()
    {
        using var client = fixture.Engine.CreateClient();
        var denied = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.PullImageAsync(fixture.PrivateImage)) { }
        });
        Assert.Contains("unauthorized", denied.Message, StringComparison.OrdinalIgnoreCase);

        var auth = new AuthConfig { Username = RegistryFixture.User, Password = RegistryFixture.Password, ServerAddress = fixture.Registries.Basic.Host };
        var statuses = new List<string?>();
        await foreach (var message in client.PullImageAsync(fixture.PrivateImage, auth: auth)) statuses.Add(message.Status);
        Assert.Contains(statuses, s => s is not null && s.StartsWith("Digest: sha256:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("%%%")]          // not base64
    [InlineData("bm90IGpzb24")]  // base64 of "not json"
    public async Task A_malformed_header_is_a_400_naming_the_header(string header)
    {
        using var http = RawHttp.Create(fixture.Engine.SocketPath);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/images/create?fromImage=" + Uri.EscapeDataString(fixture.PlainImage));
        request.Headers.TryAddWithoutValidation("X-Registry-Auth", header);
        using var response = await http.SendAsync(request);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("invalid X-Registry-Auth header", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_empty_auth_object_pulls_anonymously()
    {
        using var http = RawHttp.Create(fixture.Engine.SocketPath);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/images/create?fromImage=" + Uri.EscapeDataString(fixture.PlainImage));
        request.Headers.TryAddWithoutValidation("X-Registry-Auth", "e30"); // "{}", as the docker CLI sends without a login
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("Digest: sha256:", body);
        Assert.DoesNotContain("errorDetail", body);
    }
}
