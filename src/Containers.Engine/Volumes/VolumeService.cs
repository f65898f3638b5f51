using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Filtering;

namespace Containers.Engine.Volumes;

/// <summary>The volumes backend of the API: the store's operations plus Docker's list and prune filters.</summary>
public sealed class VolumeService(VolumeStore store)
{
    public static readonly string[] ListFilterKeys = ["name", "driver", "label", "dangling"];
    public static readonly string[] PruneFilterKeys = ["label", "all"];

    /// <summary>The IDs of the containers that mount a volume (set by the host once the containers exist).</summary>
    public Func<string, List<string>> UsersOf { get; set; } = _ => [];

    /// <summary>The driver-option mounts of volumes, counted by the running containers that use them.</summary>
    public VolumeMounts Mounts { get; } = new(store);

    public Volume Create(VolumeCreateRequest request) => store.Create(request);

    public Volume Inspect(string name) => store.Get(name);

    /// <summary>
    /// For <c>/system/df</c>: the volumes without driver options (dockerd leaves those out: their content is not local),
    /// each with the bytes of its content and the number of containers that refer to it.
    /// </summary>
    public List<Volume> LocalUsage() => store.List().Where(v => v.Options.Count == 0).Select(v =>
    {
        v.UsageData = new VolumeUsageData { Size = store.Usage(v.Name), RefCount = UsersOf(v.Name).Count };
        return v;
    }).ToList();

    /// <summary>Removes a volume not in use; with <paramref name="force"/> (docker volume rm -f) a missing one is no error.</summary>
    public void Remove(string name, bool force = false)
    {
        try { store.Get(name); }
        catch (NotFoundException) when (force) { return; }
        if (UsersOf(name) is { Count: > 0 } users)
            throw new ConflictException($"remove {name}: volume is in use - [{string.Join(' ', users)}]");
        store.Remove(name);
    }

    public VolumeListResponse List(FilterArgs filters)
    {
        filters.Validate(ListFilterKeys);
        bool? dangling = filters.Contains("dangling") ? filters.GetBoolOrDefault("dangling", true) : null;
        var volumes = store.List().Where(v => (dangling is null || dangling == (UsersOf(v.Name).Count == 0)) && Matches(v, filters)).ToList();
        return new VolumeListResponse { Volumes = volumes };
    }

    /// <summary>Removes unused volumes: anonymous ones only, unless the <c>all</c> filter is set (Docker since API 1.42).</summary>
    public VolumePruneResponse Prune(FilterArgs filters)
    {
        filters.Validate(PruneFilterKeys);
        var all = filters.GetBoolOrDefault("all", false);
        return store.Prune(all, v => UsersOf(v.Name).Count == 0 && Matches(v, filters));
    }

    private static bool Matches(Volume v, FilterArgs filters) =>
        filters.SubstringMatch("name", v.Name) && filters.ExactMatch("driver", v.Driver) && filters.MatchKVList("label", v.Labels);
}
