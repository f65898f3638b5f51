using Containers.Engine.Errors;
using Containers.Api;
using Containers.Engine.Api;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Tests.Lifecycle;

public sealed class ContainerViewsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.5, "Less than a second")]
    [InlineData(1, "1 second")]
    [InlineData(59, "59 seconds")]
    [InlineData(60, "About a minute")]
    [InlineData(150, "2 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(5 * 3600, "5 hours")]
    [InlineData(3 * 86400, "3 days")]
    [InlineData(20 * 86400, "2 weeks")]
    [InlineData(90 * 86400, "3 months")]
    [InlineData(800 * 86400, "2 years")]
    public void Durations_read_as_in_docker_ps(double seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Of(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Status_lines_match_docker_ps()
    {
        string At(TimeSpan ago) => ContainerViews.Rfc3339(Now - ago);
        Assert.Equal("Created", ContainerViews.StatusText(new ContainerState(), Now));
        Assert.Equal("Up 5 minutes", ContainerViews.StatusText(new ContainerState { Status = "running", StartedAt = At(TimeSpan.FromMinutes(5)) }, Now));
        Assert.Equal("Up 2 hours (Paused)", ContainerViews.StatusText(new ContainerState { Status = "paused", StartedAt = At(TimeSpan.FromHours(2)) }, Now));
        Assert.Equal("Exited (137) 3 seconds ago", ContainerViews.StatusText(new ContainerState { Status = "exited", ExitCode = 137, FinishedAt = At(TimeSpan.FromSeconds(3)) }, Now));
    }

    [Fact]
    public void Names_carry_a_leading_slash_in_api_views()
    {
        var record = new ContainerRecord { Id = "abc", Name = "web", Path = "sh", Args = ["-c", "true"], Created = Now };
        Assert.Equal(["/web"], ContainerViews.Summary(record, Now).Names);
        Assert.Equal("sh -c true", ContainerViews.Summary(record, Now).Command);
        record.Args = ["-c", "echo hi"];
        Assert.Equal("sh -c 'echo hi'", ContainerViews.Summary(record, Now).Command);
        Assert.Equal("/web", ContainerViews.Inspect(record, "/d", "overlayfs").Name);
    }
}

public sealed class ContainerListFilterTests
{
    private static readonly List<ContainerRecord> Containers =
    [
        new() { Id = "aaa1", Name = "web", ImageName = "nginx:latest", ImageId = "sha256:111", Created = DateTimeOffset.UnixEpoch.AddSeconds(1),
                State = new() { Status = "running" }, Config = new() { Labels = new() { ["tier"] = "front" } } },
        new() { Id = "bbb2", Name = "db", ImageName = "postgres", ImageId = "sha256:222", Created = DateTimeOffset.UnixEpoch.AddSeconds(2),
                State = new() { Status = "exited", ExitCode = 3 }, Config = new() { Labels = new() { ["tier"] = "back" } } },
        new() { Id = "ccc3", Name = "job", ImageName = "busybox", ImageId = "sha256:333", Created = DateTimeOffset.UnixEpoch.AddSeconds(3),
                State = new() { Status = "created" } },
    ];

    private static List<string> Names(string json)
    {
        var filter = ContainerListFilter.Parse(json, n => Containers.Single(c => c.Name == n || c.Id == n));
        return Containers.Where(filter.Matches).Select(c => c.Name).ToList();
    }

    [Fact]
    public void Each_filter_selects_as_in_Docker()
    {
        Assert.Equal(["web"], Names("""{"id":["aa"]}"""));
        Assert.Equal(["db"], Names("""{"name":["d"]}"""));
        Assert.Equal(["web"], Names("""{"label":["tier=front"]}"""));
        Assert.Equal(["web", "db"], Names("""{"label":["tier"]}"""));
        Assert.Equal(["db", "job"], Names("""{"status":["exited","created"]}"""));
        Assert.Equal(["web"], Names("""{"ancestor":["nginx"]}"""));
        Assert.Equal(["db"], Names("""{"exited":["3"]}"""));
        Assert.Equal(["web"], Names("""{"before":["db"]}"""));
        Assert.Equal(["job"], Names("""{"since":["db"]}"""));
        Assert.Empty(Names("""{"status":["running"],"name":["db"]}"""));
    }

    [Fact]
    public void Every_label_term_must_match()
    {
        Assert.Empty(Names("""{"label":["tier=front","tier=back"]}"""));
        Assert.Equal(["web"], Names("""{"label":["tier","tier=front"]}"""));
    }

    [Theory]
    [InlineData("""{"colour":["red"]}""", "invalid filter 'colour'")]
    [InlineData("""{"status":["sleeping"]}""", "invalid filter 'status=sleeping'")]
    [InlineData("""{"exited":["x"]}""", "invalid filter 'exited=x'")]
    public void Bad_filters_are_refused(string json, string message)
    {
        var e = Assert.ThrowsAny<DomainException>(() => ContainerListFilter.Parse(json, _ => throw new InvalidOperationException()));
        Assert.Equal((400, message), (ErrorHandling.Describe(e).Status, e.Message));
    }

    [Fact]
    public void Asking_for_stopped_containers_implies_all()
    {
        Assert.True(ContainerListFilter.Parse("""{"status":["exited"]}""", _ => null!).ImpliesAll);
        Assert.False(ContainerListFilter.Parse("""{"status":["running"]}""", _ => null!).ImpliesAll);
    }
}
