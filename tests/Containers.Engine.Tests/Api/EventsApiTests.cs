using Containers.Api;
using Containers.Client;
using Containers.Engine.Tests.Hosting;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>/events: replay with since, bounded by until, live streaming, filters, and errors.</summary>
public sealed class EventsApiTests
{
    [Fact]
    public async Task Since_replays_past_events_and_until_ends_the_stream()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await client.CreateVolumeAsync(new() { Name = "ev1" });
        await client.RemoveVolumeAsync("ev1");
        var events = await Collect(client, new EventsQuery(Since: before, Until: DateTimeOffset.UtcNow));
        Assert.Equal(["create", "destroy"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("volume", e.Type));
        Assert.All(events, e => Assert.Equal("ev1", e.Actor.ID));
        Assert.Equal("local", events[0].Actor.Attributes["driver"]);
        Assert.True(events[0].TimeNano < events[1].TimeNano);
        Assert.Equal(events[0].TimeNano / 1_000_000_000, events[0].Time);
    }

    [Fact]
    public async Task An_until_in_the_past_returns_at_once_with_nothing()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        await client.CreateVolumeAsync(new() { Name = "old" });
        var events = await Collect(client, new EventsQuery(Since: DateTimeOffset.FromUnixTimeSeconds(0), Until: DateTimeOffset.FromUnixTimeSeconds(1)));
        Assert.Empty(events);
    }

    [Fact]
    public async Task Live_events_are_streamed_as_they_happen()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var enumerator = client.GetEventsAsync(null, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var next = enumerator.MoveNextAsync().AsTask();
        await EngineStartupTests.WaitForAsync(async () => (await client.GetInfoAsync()).NEventsListener == 1);
        await client.CreateVolumeAsync(new() { Name = "live" });
        Assert.True(await next);
        Assert.Equal(("volume", "create", "live"), (enumerator.Current.Type, enumerator.Current.Action, enumerator.Current.Actor.ID));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await enumerator.MoveNextAsync());
    }

    [Fact]
    public async Task Filters_select_by_type_event_and_object()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await client.CreateVolumeAsync(new() { Name = "fa" });
        await client.CreateVolumeAsync(new() { Name = "fb" });
        await client.RemoveVolumeAsync("fa");
        var until = DateTimeOffset.UtcNow;

        async Task<List<string>> With(Dictionary<string, string[]> filters) =>
            (await Collect(client, new EventsQuery(since, until, filters))).Select(e => $"{e.Action}:{e.Actor.ID}").ToList();

        Assert.Equal(["destroy:fa"], await With(new() { ["event"] = ["destroy"] }));
        Assert.Equal(["create:fa", "destroy:fa"], await With(new() { ["volume"] = ["fa"] }));
        Assert.Equal(["create:fb"], await With(new() { ["volume"] = ["fb"], ["event"] = ["create", "destroy"] }));
        Assert.Empty(await With(new() { ["type"] = ["container"] }));
        Assert.Equal(3, (await With(new() { ["type"] = ["volume"] })).Count);
    }

    [Theory]
    [InlineData("/events?since=yesterday", "invalid value for since")]
    [InlineData("/events?until=1.2.3", "invalid value for until")]
    [InlineData("/events?since=0&until=1&filters=%7B%22colour%22%3A%5B%22x%22%5D%7D", "invalid filter 'colour'")]
    [InlineData("/events?since=99999999999", "since time is in the future")]
    public async Task Bad_parameters_are_a_400(string path, string message)
    {
        await using var engine = await EngineProcess.StartAsync();
        var r = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Get, path);
        Assert.Equal(400, r.Status);
        Assert.Contains(message, SystemApiTests.Message(r));
    }

    [Fact]
    public async Task The_old_filters_form_is_accepted()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var client = engine.CreateClient();
        await client.CreateVolumeAsync(new() { Name = "oldform" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var r = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Get,
            $"/events?since=0&until={now}&filters=" + Uri.EscapeDataString("{\"type\":{\"volume\":true}}"));
        Assert.Equal(200, r.Status);
        Assert.Contains("\"Action\":\"create\"", r.Body);
    }

    private static async Task<List<EventMessage>> Collect(ContainersClient client, EventsQuery query)
    {
        var list = new List<EventMessage>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in client.GetEventsAsync(query, timeout.Token)) list.Add(e);
        return list;
    }
}
