using Containers.Testing;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// The set-up of the test classes that pull and run through the docker CLI: a loopback registry, the test images the
/// fixture pushes to it (<see cref="PushImages"/>), and one engine. Disposal stops the engine (which force-removes what
/// a test left) and the registry.
/// </summary>
public abstract class RegistryEngineFixture : IAsyncLifetime
{
    private readonly TempDirectory _layout = new();

    public RegistryFixture Registries { get; } = new();
    public EngineProcess Engine { get; private set; } = null!;

    /// <summary>Pushes the fixture's images (with <see cref="Push"/>) before the engine starts.</summary>
    protected abstract void PushImages();

    /// <summary>Writes <paramref name="image"/> as an OCI layout and pushes it to <paramref name="reference"/> with skopeo.</summary>
    protected void Push(string reference, ImageSpec image, params string[] skopeoArguments)
    {
        OciImageBuilder.WriteLayout(_layout, "push", image);
        Skopeo.Push(_layout, "push", reference, skopeoArguments);
    }

    public async Task InitializeAsync()
    {
        PushImages();
        Engine = await EngineProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        Registries.Dispose();
        _layout.Dispose();
    }
}
