using System.Text.Json;
using Containers.Engine.Errors;

namespace Containers.Engine.Filtering;

/// <summary>
/// Docker's <c>filters</c> query parameter with moby's semantics (<c>api/types/filters</c>): values of one key are
/// alternatives (any may match), different keys must all match, except <see cref="MatchKVList"/> where every
/// <c>label=</c> term must hold. Each feature declares the keys it accepts beside its matcher and calls
/// <see cref="Validate"/>, which refuses any other key with Docker's "invalid filter" message.
/// </summary>
public sealed class FilterArgs
{
    public static readonly FilterArgs Empty = new(new Dictionary<string, List<string>>(StringComparer.Ordinal));

    private readonly Dictionary<string, List<string>> _terms;

    private FilterArgs(Dictionary<string, List<string>> terms) => _terms = terms;

    public IEnumerable<string> Keys => _terms.Keys;

    public int Count => _terms.Count;

    /// <summary>
    /// Parses both of Docker's encodings: <c>{"key":["v1","v2"]}</c>, and <c>{"key":{"v1":true}}</c>, which API versions
    /// before 1.22 (and some clients still) send. An empty or missing parameter is no filter.
    /// </summary>
    public static FilterArgs FromJson(string? json)
    {
        var terms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return new FilterArgs(terms);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidParameterException("invalid filters: expected a JSON object such as {\"type\":[\"container\"]}");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var values = property.Value.ValueKind switch
                {
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(ValueText).ToList(),
                    JsonValueKind.Object => property.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name).ToList(),
                    _ => throw new InvalidParameterException($"invalid filters: the value of '{property.Name}' must be a list"),
                };
                terms[property.Name] = values;
            }
        }
        catch (JsonException e)
        {
            var position = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw new InvalidParameterException($"invalid filters: malformed JSON{position}", e);
        }
        return new FilterArgs(terms);
    }

    /// <summary>Refuses a key the feature does not know, as Docker: <c>invalid filter 'colour'</c>.</summary>
    public FilterArgs Validate(IReadOnlyCollection<string> acceptedKeys)
    {
        foreach (var key in _terms.Keys)
            if (!acceptedKeys.Contains(key)) throw new InvalidParameterException($"invalid filter '{key}'");
        return this;
    }

    public bool Contains(string key) => _terms.ContainsKey(key);

    /// <summary>The values given for a key (none when the key is absent).</summary>
    public IReadOnlyList<string> Get(string key) => _terms.TryGetValue(key, out var values) ? values : [];

    /// <summary>A copy without one key (for keys a feature reads as options rather than matches, e.g. prune's <c>all</c>).</summary>
    public FilterArgs Without(string key) =>
        new(_terms.Where(t => t.Key != key).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));

    /// <summary>
    /// Whether every term of <paramref name="key"/> holds on the key-value pairs: <c>k=v</c> needs k with value v,
    /// <c>k</c> alone needs k to exist. No terms match everything.
    /// </summary>
    public bool MatchKVList(string key, IReadOnlyDictionary<string, string>? sources)
    {
        var terms = Get(key);
        if (terms.Count == 0) return true;
        if (sources is null || sources.Count == 0) return false;
        return terms.All(term => term.IndexOf('=') is var eq and >= 0
            ? sources.TryGetValue(term[..eq], out var value) && value == term[(eq + 1)..]
            : sources.ContainsKey(term));
    }

    /// <summary>Whether <paramref name="source"/> equals one of the key's values (no values match everything).</summary>
    public bool ExactMatch(string key, string source) => !_terms.TryGetValue(key, out var values) || values.Contains(source);

    /// <summary>Whether <paramref name="source"/> equals or starts with one of the key's values (IDs by prefix).</summary>
    public bool PrefixMatch(string key, string source) =>
        !_terms.TryGetValue(key, out var values) || values.Any(v => source.StartsWith(v, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="source"/> contains one of the key's values (names).</summary>
    public bool SubstringMatch(string key, string source) =>
        !_terms.TryGetValue(key, out var values) || values.Any(v => source.Contains(v, StringComparison.Ordinal));

    /// <summary>
    /// A boolean filter such as <c>dangling</c> (moby's GetBoolOrDefault): <c>true</c>/<c>1</c> or <c>false</c>/<c>0</c>;
    /// anything else, or both at once, is <c>invalid filter 'key=value'</c>. Absent: <paramref name="defaultValue"/>.
    /// </summary>
    public bool GetBoolOrDefault(string key, bool defaultValue)
    {
        if (!_terms.TryGetValue(key, out var values)) return defaultValue;
        var isTrue = values.Any(v => v is "true" or "1");
        var isFalse = values.Any(v => v is "false" or "0");
        if (isTrue == isFalse || values.Any(v => v is not ("true" or "1" or "false" or "0")))
            throw new InvalidParameterException($"invalid filter '{key}={string.Join(",", values)}'");
        return isTrue;
    }

    private static string ValueText(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new InvalidParameterException("invalid filters: values must be strings");
}
