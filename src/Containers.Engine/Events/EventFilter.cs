using Containers.Api;
using Containers.Engine.Api;

namespace Containers.Engine.Events;

/// <summary>The <c>filters</c> of <c>GET /events</c>: values of one key are OR-ed, different keys AND-ed, as in Docker.</summary>
public sealed class EventFilter
{
    private static readonly string[] Keys = ["type", "event", "container", "image", "volume", "network", "daemon", "label", "scope"];

    private readonly Dictionary<string, List<string>> _terms;

    private EventFilter(Dictionary<string, List<string>> terms) => _terms = terms;

    public static EventFilter Parse(string? filtersJson)
    {
        var terms = Filters.Parse(filtersJson);
        foreach (var key in terms.Keys)
            if (!Keys.Contains(key)) throw ApiException.BadRequest($"invalid filter '{key}'");
        return new EventFilter(terms);
    }

    public bool Matches(EventMessage e)
    {
        foreach (var (key, values) in _terms)
        {
            var ok = key switch
            {
                "type" => values.Contains(e.Type),
                "event" => values.Any(v => v == e.Action || e.Action.StartsWith(v + ":", StringComparison.Ordinal)),
                "scope" => values.Contains(e.Scope),
                "label" => values.Any(v => MatchesLabel(e, v)),
                "container" or "image" or "volume" or "network" or "daemon" =>
                    e.Type == key && values.Any(v => v == e.Actor.ID || (e.Actor.Attributes.TryGetValue("name", out var n) && n == v)),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool MatchesLabel(EventMessage e, string term)
    {
        var eq = term.IndexOf('=');
        return eq < 0
            ? e.Actor.Attributes.ContainsKey(term)
            : e.Actor.Attributes.TryGetValue(term[..eq], out var value) && value == term[(eq + 1)..];
    }
}
