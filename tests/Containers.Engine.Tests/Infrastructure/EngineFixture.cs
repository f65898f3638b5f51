namespace Containers.Engine.Tests.Infrastructure;

/// <summary>The xunit class fixture: one engine shared by a test class.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public EngineProcess Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await EngineProcess.StartAsync();

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}
