using Containers.Api;
using Containers.Engine.Filtering;

namespace Containers.Engine.Events;

/// <summary>
/// The <c>filters</c> of <c>GET /events</c>: values of one key are alternatives, different keys must all match, and
/// every <c>label</c> term must hold on the actor's attributes, as in Docker.
/// </summary>
public sealed class EventFilter
{
    public static readonly string[] AcceptedKeys = ["type", "event", "container", "image", "volume", "network", "daemon", "label", "scope"];
    private static readonly string[] ObjectKeys = ["container", "image", "volume", "network", "daemon"];

    private readonly FilterArgs _filters;

    private EventFilter(FilterArgs filters) => _filters = filters;

    public static EventFilter Parse(string? filtersJson) => new(FilterArgs.FromJson(filtersJson).Validate(AcceptedKeys));

    public bool Matches(EventMessage e) =>
        _filters.ExactMatch("type", e.Type)
        && (!_filters.Contains("event") || _filters.Get("event").Any(v => v == e.Action || e.Action.StartsWith(v + ":", StringComparison.Ordinal)))
        && _filters.ExactMatch("scope", e.Scope)
        && _filters.MatchKVList("label", e.Actor.Attributes)
        && ObjectKeys.All(key => !_filters.Contains(key)
            || (e.Type == key && _filters.Get(key).Any(v => v == e.Actor.ID || (e.Actor.Attributes.TryGetValue("name", out var n) && n == v))));
}
