using Containers.Engine.Errors;
using Containers.Engine.Api;
using Containers.Engine.Lifecycle;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>Container records: names, Docker's lookup order, persistence and crash leftovers.</summary>
public sealed class ContainerStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static ContainerRecord New(string id) => new() { Id = id, Created = DateTimeOffset.UtcNow, ImageName = "busybox" };

    [Fact]
    public void Generated_names_are_adjective_underscore_surname_and_unique()
    {
        var store = new ContainerStore(_dir);
        var names = Enumerable.Range(0, 200).Select(_ => store.Add(New(ContainerStore.NewId()), null).Name).ToList();
        Assert.All(names, n => Assert.Matches("^[a-z]+_[a-z]+[0-9]*$", n));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Lookup_is_by_full_id_then_name_then_unique_prefix()
    {
        var store = new ContainerStore(_dir);
        var a = store.Add(New("abc111" + new string('0', 58)), "web");
        var b = store.Add(New("abc222" + new string('0', 58)), "/db");
        Assert.Same(a, store.Get(a.Id));
        Assert.Same(a, store.Get("web"));
        Assert.Same(b, store.Get("/db"));
        Assert.Same(b, store.Get("abc2"));
        var e = Assert.ThrowsAny<DomainException>(() => store.Get("abc"));
        Assert.Equal(400, ErrorHandling.Describe(e).Status);
        Assert.Equal("Multiple IDs found with provided prefix: abc", e.Message);
        var missing = Assert.ThrowsAny<DomainException>(() => store.Get("nothing"));
        Assert.Equal((404, "No such container: nothing"), (ErrorHandling.Describe(missing).Status, missing.Message));
    }

    [Fact]
    public void A_name_that_looks_like_an_id_prefix_wins_over_the_prefix()
    {
        var store = new ContainerStore(_dir);
        store.Add(New("beef" + new string('1', 60)), null);
        var named = store.Add(New(ContainerStore.NewId()), "beef");
        Assert.Same(named, store.Get("beef"));
    }

    [Fact]
    public void A_taken_name_is_a_conflict_naming_the_owner()
    {
        var store = new ContainerStore(_dir);
        var first = store.Add(New(ContainerStore.NewId()), "app");
        var e = Assert.ThrowsAny<DomainException>(() => store.Add(New(ContainerStore.NewId()), "app"));
        Assert.Equal(409, ErrorHandling.Describe(e).Status);
        Assert.Contains($"The container name \"/app\" is already in use by container \"{first.Id}\"", e.Message);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("-x")]
    [InlineData("has space")]
    [InlineData("sl/ash")]
    public void Invalid_names_are_refused(string name)
    {
        var store = new ContainerStore(_dir);
        var e = Assert.ThrowsAny<DomainException>(() => store.Add(New(ContainerStore.NewId()), name));
        Assert.Equal(400, ErrorHandling.Describe(e).Status);
        Assert.StartsWith($"Invalid container name ({name})", e.Message);
    }

    [Fact]
    public void Rename_moves_the_name_and_frees_the_old_one()
    {
        var store = new ContainerStore(_dir);
        var c = store.Add(New(ContainerStore.NewId()), "old");
        store.Rename("old", "new");
        Assert.Same(c, store.Get("new"));
        Assert.Null(store.TryGet("old"));
        store.Add(New(ContainerStore.NewId()), "old");
        Assert.Equal(409, ErrorHandling.Describe(Assert.ThrowsAny<DomainException>(() => store.Rename("new", "old"))).Status);
    }

    [Fact]
    public void Records_survive_reopening_and_crash_leftovers_are_removed()
    {
        var store = new ContainerStore(_dir);
        var c = store.Add(New(ContainerStore.NewId()), "kept");
        store.Update(c.Id, r => r.State.Status = "exited");
        var leftover = Path.Combine(_dir, "containers", ContainerStore.NewId());
        Directory.CreateDirectory(leftover);

        var reopened = new ContainerStore(_dir);
        var loaded = reopened.Get("kept");
        Assert.Equal(c.Id, loaded.Id);
        Assert.Equal("exited", loaded.State.Status);
        Assert.False(Directory.Exists(leftover));
    }

    [Fact]
    public void Remove_forgets_the_container_and_its_files()
    {
        var store = new ContainerStore(_dir);
        var c = store.Add(New(ContainerStore.NewId()), "gone");
        store.Remove(c.Id);
        Assert.Null(store.TryGet("gone"));
        Assert.False(Directory.Exists(store.DirectoryOf(c.Id)));
        Assert.Empty(new ContainerStore(_dir).List());
    }

    public void Dispose() => _dir.Dispose();
}
