using System.Text;
using Containers.Images.References;
using Containers.Images.Registry;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Images.Tests;

/// <summary>Anonymous, Basic (htpasswd) and Bearer token auth against real registries.</summary>
[Collection("registry")]
public sealed class AuthTests(RegistryFixture fx)
{
    private static readonly RegistryCredentials Good = new(RegistryFixture.User, RegistryFixture.Password);

    private static string PushTo(RegistryInstance registry, string repo)
    {
        using var layout = new TempDir();
        OciImageBuilder.WriteLayout(layout.Path, "v1", new ImageSpec([new LayerSpec(OciImageBuilder.BusyboxLayer())]));
        Skopeo.Push(layout.Path, "v1", $"{registry.Host}/{repo}:v1", "--dest-creds", $"{RegistryFixture.User}:{RegistryFixture.Password}");
        return $"{registry.Host}/{repo}:v1";
    }

    [Fact]
    public async Task Basic_auth_uses_credentials_from_docker_config_json()
    {
        string reference = PushTo(fx.Basic, "basic-config");
        using var dir = new TempDir();
        string config = Path.Combine(dir.Path, "config.json");
        string auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryFixture.User}:{RegistryFixture.Password}"));
        File.WriteAllText(config, "{\"auths\":{\"http://" + fx.Basic.Host + "\":{\"auth\":\"" + auth + "\"}}}");
        using var engine = new Engine(credentials: new DockerConfigCredentialProvider(config));
        var result = await engine.PullAsync(reference);
        Assert.Single(result.Image.Layers);
    }

    [Fact]
    public async Task Basic_auth_without_credentials_says_authentication_required()
    {
        string reference = PushTo(fx.Basic, "basic-anon");
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => engine.PullAsync(reference));
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("authentication required", ex.Message);
        Assert.Contains(fx.Basic.Host, ex.Message);
    }

    [Fact]
    public async Task Basic_auth_wrong_password_is_a_clear_401_that_does_not_leak_the_password()
    {
        string reference = PushTo(fx.Basic, "basic-wrong");
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<RegistryAuthenticationException>(() =>
            engine.PullAsync(reference, new Containers.Images.Pull.PullOptions { Credentials = new RegistryCredentials(RegistryFixture.User, "not-the-password") }));
        Assert.Equal($"unauthorized: incorrect username or password for registry {fx.Basic.Host} (HTTP 401): authentication required", ex.Message);
        Assert.DoesNotContain("not-the-password", ex.ToString());
        Assert.DoesNotContain("not-the-password", new RegistryCredentials("u", "not-the-password").ToString());
    }

    [Fact]
    public async Task Login_check_succeeds_with_good_and_fails_with_bad_credentials()
    {
        using var engine = new Engine();
        await engine.Registry.CheckLoginAsync(fx.Basic.Host, Good);
        await engine.Registry.CheckLoginAsync(fx.Token.Host, Good);
        var basic = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => engine.Registry.CheckLoginAsync(fx.Basic.Host, Good with { Password = "x" }));
        Assert.Contains("incorrect username or password", basic.Message);
        var token = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => engine.Registry.CheckLoginAsync(fx.Token.Host, Good with { Password = "x" }));
        Assert.Equal($"unauthorized: incorrect username or password for registry {fx.Token.Host} (token service answered HTTP 401)", token.Message);
    }

    [Fact]
    public async Task Token_auth_pulls_and_caches_the_token_per_scope()
    {
        string reference = PushTo(fx.Token, "token-cache");
        var logins = new InMemoryCredentialProvider();
        logins.Set("http://" + fx.Token.Host, Good); // as POST /auth would store it
        using var engine = new Engine(credentials: logins);
        var result = await engine.PullAsync(reference);
        Assert.Single(result.Image.Layers);
        int afterFirst = engine.Registry.TokenRequests;
        Assert.Equal(1, afterFirst); // manifest, config and layer requests all reuse one token

        await engine.Registry.GetManifestAsync(ImageReference.Parse(reference), "v1");
        Assert.Equal(1, engine.Registry.TokenRequests);

        // A different repository is a different scope: a new token.
        string other = PushTo(fx.Token, "token-cache-other");
        await engine.Registry.GetManifestAsync(ImageReference.Parse(other), "v1");
        Assert.Equal(2, engine.Registry.TokenRequests);
    }

    [Fact]
    public async Task Token_auth_wrong_password_names_registry_and_401()
    {
        string reference = PushTo(fx.Token, "token-wrong");
        using var engine = new Engine();
        var ex = await Assert.ThrowsAsync<RegistryAuthenticationException>(() =>
            engine.PullAsync(reference, new Containers.Images.Pull.PullOptions { Credentials = Good with { Password = "bad" } }));
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains(fx.Token.Host, ex.Message);
        Assert.Contains("401", ex.Message);
    }

    [Fact]
    public async Task Token_is_refreshed_after_expiry_and_after_the_registry_rejects_it()
    {
        string reference = PushTo(fx.Token, "token-expiry");
        var image = ImageReference.Parse(reference);
        var creds = new InMemoryCredentialProvider();
        creds.Set(fx.Token.Host, Good);
        try
        {
            // 1. Advertised lifetime of 1 s: the client's own expiry check triggers a refresh.
            fx.TokenService.AdvertisedLifetimeSeconds = 1;
            using (var engine = new Engine(credentials: creds))
            {
                await engine.Registry.GetManifestAsync(image, "v1");
                Assert.Equal(1, engine.Registry.TokenRequests);
                await Task.Delay(1500);
                await engine.Registry.GetManifestAsync(image, "v1");
                Assert.Equal(2, engine.Registry.TokenRequests);
            }
            // 2. The registry rejects a cached, unexpired token (here: it grants nothing; docker-registry
            //    allows 60 s of clock leeway, so a real expiry can't be provoked quickly): one refresh, then success.
            fx.TokenService.AdvertisedLifetimeSeconds = 3600;
            fx.TokenService.GrantAccess = false;
            using (var engine = new Engine(credentials: creds))
            {
                await Assert.ThrowsAsync<RegistryAuthenticationException>(() => engine.Registry.GetManifestAsync(image, "v1"));
                Assert.Equal(1, engine.Registry.TokenRequests); // a fresh token that fails is final: no loop
                fx.TokenService.GrantAccess = true;
                // The cached (useless) token is sent, rejected with 401, refreshed once, and the retry succeeds.
                var again = await engine.Registry.GetManifestAsync(image, "v1");
                Assert.Equal(2, engine.Registry.TokenRequests);
                Assert.NotEmpty(again.Bytes);
            }
        }
        finally
        {
            fx.TokenService.AdvertisedLifetimeSeconds = 300;
            fx.TokenService.GrantAccess = true;
        }
    }

    [Fact]
    public async Task Anonymous_bearer_token_is_fetched_without_credentials()
    {
        string reference = PushTo(fx.Token, "token-anon");
        fx.TokenService.AllowAnonymous = true;
        try
        {
            using var engine = new Engine();
            var result = await engine.PullAsync(reference);
            Assert.Single(result.Image.Layers);
            Assert.Equal(1, engine.Registry.TokenRequests);
        }
        finally { fx.TokenService.AllowAnonymous = false; }

        using var denied = new Engine();
        var ex = await Assert.ThrowsAsync<RegistryAuthenticationException>(() => denied.PullAsync(reference));
        Assert.Equal($"unauthorized: authentication required for registry {fx.Token.Host} (token service answered HTTP 401)", ex.Message);
    }
}
