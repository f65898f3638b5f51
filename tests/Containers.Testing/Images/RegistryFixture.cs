using Containers.Images.Content;
using Containers.Images.Pull;
using Containers.Images.Registry;
using Containers.Images.Store;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>Three real registries shared by the registry tests: plain HTTP, htpasswd Basic, and token auth.</summary>
public sealed class RegistryFixture : IDisposable
{
    public const string User = "tester";
    public const string Password = "s3cret-pass";

    private readonly TempDir _dir = new();
    public RegistryInstance Plain { get; }
    public RegistryInstance Basic { get; }
    public RegistryInstance Token { get; }
    public TokenServer TokenService { get; }

    public RegistryFixture()
    {
        Plain = new RegistryInstance();
        string htpasswd = Path.Combine(_dir.Path, "htpasswd");
        File.WriteAllText(htpasswd, ProcessRunner.Run("htpasswd", "-Bbn", User, Password));
        Basic = new RegistryInstance($"""
              htpasswd:
                realm: basic-realm
                path: {htpasswd}
            """);
        TokenService = new TokenServer(User, Password);
        Token = new RegistryInstance(TokenService.RegistryAuthYaml);
    }

    public void Dispose()
    {
        Plain.Dispose();
        Basic.Dispose();
        Token.Dispose();
        TokenService.Dispose();
        _dir.Dispose();
    }
}

/// <summary>An empty engine-side data root: content store, image store, verifying unpacker and puller.</summary>
public sealed class Engine : IDisposable
{
    private readonly TempDir? _dir;
    public string Root { get; }
    public ContentStore Content { get; }
    public ImageStore Images { get; }
    public VerifyingLayerUnpacker Unpacker { get; }
    public RegistryClient Registry { get; }
    public ImagePuller Puller { get; }
    public List<PullProgress> Progress { get; } = [];

    /// <param name="root">An existing data root to reopen (e.g. after a killed pull); a fresh temp dir when null.</param>
    public Engine(RegistryOptions? options = null, ICredentialProvider? credentials = null, int maxConcurrentDownloads = 3, string? root = null)
    {
        if (root is null) { _dir = new TempDir(); root = _dir.Path; }
        Root = root;
        Content = new ContentStore(Path.Combine(Root, "content"));
        Images = new ImageStore(Path.Combine(Root, "images"), Content);
        Unpacker = new VerifyingLayerUnpacker(Path.Combine(Root, "layers"));
        Registry = new RegistryClient(options ?? new RegistryOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20) }, credentials);
        Puller = new ImagePuller(Registry, Content, Images, Unpacker, maxConcurrentDownloads);
    }

    public Task<PullResult> PullAsync(string reference, PullOptions? options = null) =>
        Puller.PullAsync(reference, options, p => { lock (Progress) Progress.Add(p); });

    public void Dispose()
    {
        Registry.Dispose();
        _dir?.Dispose();
    }
}
