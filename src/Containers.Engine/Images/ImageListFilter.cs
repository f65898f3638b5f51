using System.Text.RegularExpressions;
using Containers.Engine.Filtering;
using Containers.Images.Store;

namespace Containers.Engine.Images;

/// <summary>
/// The <c>filters</c> of <c>GET /images/json</c> (dangling, label, reference, before, since) and of
/// <c>POST /images/prune</c> (label, dangling), with Docker's semantics: every <c>label</c> term must hold.
/// </summary>
public sealed class ImageListFilter
{
    public static readonly string[] AcceptedKeys = ["dangling", "label", "reference", "before", "since"];
    public static readonly string[] PruneKeys = ["dangling", "label"];

    private readonly FilterArgs _filters;
    private readonly bool? _dangling;
    private readonly DateTimeOffset? _before;
    private readonly DateTimeOffset? _since;

    private ImageListFilter(FilterArgs filters, bool? dangling, DateTimeOffset? before, DateTimeOffset? since)
    {
        _filters = filters;
        _dangling = dangling;
        _before = before;
        _since = since;
    }

    /// <param name="resolve">Finds the image a before/since value names (not found when there is none).</param>
    public static ImageListFilter From(FilterArgs filters, Func<string, ImageRecord> resolve)
    {
        filters.Validate(AcceptedKeys);
        bool? dangling = filters.Contains("dangling") ? filters.GetBoolOrDefault("dangling", false) : null;
        // Several before/since values all apply: older than the oldest, newer than the newest.
        var before = filters.Get("before").Select(v => (DateTimeOffset?)resolve(v).Created).Min();
        var since = filters.Get("since").Select(v => (DateTimeOffset?)resolve(v).Created).Max();
        return new ImageListFilter(filters, dangling, before, since);
    }

    public bool Matches(ImageSummary s) =>
        (_dangling is not { } dangling || (s.RepoTags.Count == 0) == dangling)
        && _filters.MatchKVList("label", s.Image.Labels)
        && (!_filters.Contains("reference") || _filters.Get("reference").Any(pattern => s.RepoTags.Concat(s.RepoDigests).Any(r => ReferenceMatches(pattern, r))))
        && (_before is not { } before || s.Image.Created < before)
        && (_since is not { } since || s.Image.Created > since);

    /// <summary>Docker's reference filter: a path.Match glob on the familiar name, or name:tag.</summary>
    private static bool ReferenceMatches(string pattern, string familiarRef)
    {
        var name = familiarRef;
        var at = name.IndexOf('@');
        if (at >= 0) name = name[..at];
        var colon = name.LastIndexOf(':');
        var repoOnly = colon > name.LastIndexOf('/') ? name[..colon] : name;
        var rx = new Regex("^" + Regex.Escape(pattern).Replace("\\*", "[^/]*").Replace("\\?", "[^/]") + "$");
        return rx.IsMatch(repoOnly) || rx.IsMatch(name);
    }
}
