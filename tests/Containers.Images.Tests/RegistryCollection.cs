namespace Containers.Images.Tests.Infrastructure;

/// <summary>The registry tests share one set of registries (xunit needs the collection in the test assembly).</summary>
[CollectionDefinition("registry")]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>;
