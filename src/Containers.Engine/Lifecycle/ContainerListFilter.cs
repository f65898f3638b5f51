using Containers.Engine.Api;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// The <c>filters</c> of <c>GET /containers/json</c>: id, name, label, status, ancestor, exited, before, since.
/// Values of one key are OR-ed, keys AND-ed, as in Docker.
/// </summary>
public sealed class ContainerListFilter
{
    private static readonly string[] Keys = ["id", "name", "label", "status", "ancestor", "exited", "before", "since"];
    private static readonly string[] Statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

    private readonly Dictionary<string, List<string>> _terms;
    private readonly DateTimeOffset? _before;
    private readonly DateTimeOffset? _since;

    /// <summary>Whether the filters ask for non-running containers (then <c>all</c> is implied, as in Docker).</summary>
    public bool ImpliesAll => _terms.ContainsKey("exited") || (_terms.TryGetValue("status", out var s) && s.Any(v => v != "running"));

    private ContainerListFilter(Dictionary<string, List<string>> terms, DateTimeOffset? before, DateTimeOffset? since)
    {
        _terms = terms;
        _before = before;
        _since = since;
    }

    /// <param name="resolve">Finds the container a before/since value names (404 when there is none).</param>
    public static ContainerListFilter Parse(string? json, Func<string, ContainerRecord> resolve)
    {
        var terms = Filters.Parse(json);
        foreach (var (key, values) in terms)
        {
            if (!Keys.Contains(key)) throw ApiException.BadRequest($"invalid filter '{key}'");
            if (key == "status" && values.FirstOrDefault(v => !Statuses.Contains(v)) is { } badStatus)
                throw ApiException.BadRequest($"invalid filter 'status={badStatus}'");
            if (key == "exited" && values.FirstOrDefault(v => !int.TryParse(v, out _)) is { } badCode)
                throw ApiException.BadRequest($"invalid filter 'exited={badCode}'");
        }
        DateTimeOffset? Anchor(string key) => terms.TryGetValue(key, out var v) && v.Count > 0 ? resolve(v[0]).Created : null;
        return new ContainerListFilter(terms, Anchor("before"), Anchor("since"));
    }

    public bool Matches(ContainerRecord c)
    {
        if (_before is { } before && c.Created >= before) return false;
        if (_since is { } since && c.Created <= since) return false;
        foreach (var (key, values) in _terms)
        {
            var ok = key switch
            {
                "id" => values.Any(v => c.Id.StartsWith(v, StringComparison.Ordinal)),
                "name" => values.Any(v => c.Name.Contains(v.TrimStart('/'), StringComparison.Ordinal)),
                "label" => values.Any(v => v.IndexOf('=') is var eq and > 0
                    ? c.Config.Labels.TryGetValue(v[..eq], out var value) && value == v[(eq + 1)..]
                    : c.Config.Labels.ContainsKey(v)),
                "status" => values.Contains(c.State.Status),
                "ancestor" => values.Any(v => v == c.ImageName || v == c.ImageId || c.ImageId.StartsWith("sha256:" + v, StringComparison.Ordinal)
                    || c.ImageName == v + ":latest"),
                "exited" => c.State.Status == "exited" && values.Contains(c.State.ExitCode.ToString()),
                _ => true, // before/since are applied above
            };
            if (!ok) return false;
        }
        return true;
    }
}
