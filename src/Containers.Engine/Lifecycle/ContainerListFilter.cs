using Containers.Engine.Errors;
using Containers.Engine.Filtering;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// The <c>filters</c> of <c>GET /containers/json</c>: id, name, label, status, ancestor, exited, health, before, since.
/// Values of one key are alternatives, keys must all match, and every <c>label</c> term must hold, as in Docker.
/// </summary>
public sealed class ContainerListFilter
{
    public static readonly string[] AcceptedKeys = ["id", "name", "label", "status", "ancestor", "exited", "health", "before", "since"];

    private readonly FilterArgs _filters;
    private readonly DateTimeOffset? _before;
    private readonly DateTimeOffset? _since;

    /// <summary>Whether the filters ask for non-running containers (then <c>all</c> is implied, as in Docker).</summary>
    public bool ImpliesAll => _filters.Contains("exited") || _filters.Get("status").Any(v => v != ContainerStatus.Running.Name);

    private ContainerListFilter(FilterArgs filters, DateTimeOffset? before, DateTimeOffset? since)
    {
        _filters = filters;
        _before = before;
        _since = since;
    }

    public static ContainerListFilter Parse(string? json, Func<string, ContainerRecord> resolve) => From(FilterArgs.FromJson(json), resolve);

    /// <param name="resolve">Finds the container a before/since value names (not found when there is none).</param>
    public static ContainerListFilter From(FilterArgs filters, Func<string, ContainerRecord> resolve)
    {
        filters.Validate(AcceptedKeys);
        if (filters.Get("status").FirstOrDefault(v => !ContainerStatus.TryParse(v, out _)) is { } badStatus)
            throw new InvalidParameterException($"invalid filter 'status={badStatus}'");
        if (filters.Get("exited").FirstOrDefault(v => !int.TryParse(v, out _)) is { } badCode)
            throw new InvalidParameterException($"invalid filter 'exited={badCode}'");
        if (filters.Get("health").FirstOrDefault(v => !Health.HealthCheck.Statuses.Contains(v)) is { } badHealth)
            throw new InvalidParameterException($"Unrecognised filter value for health: {badHealth}");
        DateTimeOffset? Anchor(string key) => filters.Get(key) is [var first, ..] ? resolve(first).Created : null;
        return new ContainerListFilter(filters, Anchor("before"), Anchor("since"));
    }

    public bool Matches(ContainerRecord c)
    {
        if (_before is { } before && c.Created >= before) return false;
        if (_since is { } since && c.Created <= since) return false;
        var status = c.Status;
        return _filters.PrefixMatch("id", c.Id)
            && (!_filters.Contains("name") || _filters.Get("name").Any(v => c.Name.Contains(v.TrimStart('/'), StringComparison.Ordinal)))
            && _filters.MatchKVList("label", c.Config.Labels)
            && _filters.ExactMatch("status", status.Name)
            && (!_filters.Contains("ancestor") || _filters.Get("ancestor").Any(v => v == c.ImageName || v == c.ImageId
                || c.ImageId.StartsWith("sha256:" + v, StringComparison.Ordinal) || c.ImageName == v + ":latest"))
            && _filters.ExactMatch("health", c.State.Health?.Status ?? Health.HealthCheck.None)
            && (!_filters.Contains("exited") || (status == ContainerStatus.Exited && _filters.ExactMatch("exited", c.State.ExitCode.ToString())));
    }
}
