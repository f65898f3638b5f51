using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Volumes;

/// <summary>One mount of a container as its record keeps it: the view inspect shows, plus a tmpfs's mount options.</summary>
public sealed class ContainerMount
{
    public MountPoint Point { get; set; } = new();

    /// <summary>For a tmpfs: size= and mode= as mount(8) takes them.</summary>
    public List<string> TmpfsOptions { get; set; } = [];

    /// <summary>A volume without <c>nocopy</c>: filled with the image's content at its destination while it is empty.</summary>
    public bool CopyUp { get; set; }

    /// <summary>An anonymous volume (made for this mount without a name): <c>docker rm -v</c> and AutoRemove remove it.</summary>
    public bool Anonymous { get; set; }

    /// <summary>A <c>--mount type=bind</c>'s BindOptions as given (how recursively a read-only bind is read-only).</summary>
    public MountBindOptions? BindOptions { get; set; }
}

/// <summary>
/// A container's <c>HostConfig.Binds</c> (<c>-v [SOURCE:]TARGET[:MODE]</c>), <c>HostConfig.Mounts</c> (<c>--mount</c>),
/// <c>HostConfig.VolumesFrom</c> and <c>Config.Volumes</c> (its image's <c>VOLUME</c>s and <c>docker run -v /path</c>) as
/// dockerd reads them: <see cref="Parse"/> checks them (Docker's 400s, nothing made), <see cref="Resolve"/> then creates
/// the volumes and missing <c>-v</c> host directories and returns what the container mounts.
/// </summary>
public static class ContainerMounts
{
    private static readonly string[] Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];
    private const string DefaultBindPropagation = "rprivate";
    /// <summary>The mode dockerd shows for a local volume of <c>-v</c> or <c>--mount</c> given none (its SELinux default).</summary>
    private const string VolumeMode = "z";

    /// <summary>A checked request: a volume (Source is its name, empty for an anonymous one), a bind or a tmpfs.</summary>
    public sealed record Request(string Type, string Source, string Target, bool ReadOnly, string Mode, string Propagation, bool CreateSource, List<string> TmpfsOptions, bool NoCopy = false, MountBindOptions? BindOptions = null, VolumeCreateRequest? Volume = null);

    public static List<Request> Parse(HostConfig host)
    {
        foreach (var spec in host.VolumesFrom ?? []) ParseVolumesFrom(spec);
        var requests = (host.Binds ?? []).Select(ParseBind).Concat((host.Mounts ?? []).Select(ParseMount)).ToList();
        var duplicate = requests.Select(r => Clean(r.Target)).Concat((host.Tmpfs ?? []).Keys.Select(Clean))
            .GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidParameterException($"Duplicate mount point: {duplicate.Key}");
        return requests;
    }

    /// <summary>
    /// dockerd's order: the mounts of the <c>--volumes-from</c> containers (<paramref name="mountsOf"/> gives a container's),
    /// then the request's binds and mounts, which win at the same destination; then an anonymous volume for each of
    /// <paramref name="configVolumes"/> that nothing (not a tmpfs either) already covers. Makes the volumes (with their
    /// create events) and the missing <c>-v</c> host directories; if one fails, the anonymous volumes made go again.
    /// </summary>
    public static List<ContainerMount> Resolve(HostConfig host, IEnumerable<string> configVolumes,
        Func<string, IReadOnlyList<ContainerMount>> mountsOf, VolumeService volumes)
    {
        var byDestination = new Dictionary<string, ContainerMount>();
        try
        {
            foreach (var spec in host.VolumesFrom ?? [])
                foreach (var mount in FromContainer(spec, mountsOf))
                    byDestination[Clean(mount.Point.Destination)] = mount;
            foreach (var request in Parse(host))
                byDestination[Clean(request.Target)] = Make(request, volumes);
            var tmpfs = (host.Tmpfs ?? []).Keys.Select(Clean).ToHashSet();
            foreach (var destination in configVolumes.Select(Clean).Distinct())
            {
                if (byDestination.ContainsKey(destination) || tmpfs.Contains(destination)) continue;
                if (destination == "/") throw new InvalidParameterException("invalid volume specification: '/': invalid specification: destination can't be '/'");
                // As dockerd shows an image's VOLUME: no mode, no propagation, read-write, filled from the image.
                byDestination[destination] = Make(new Request("volume", "", destination, false, "", "", CreateSource: true, []), volumes);
            }
        }
        catch
        {
            RemoveAnonymous(byDestination.Values, volumes);
            throw;
        }
        return byDestination.Values.ToList();
    }

    /// <summary>
    /// Removes the anonymous volumes among <paramref name="mounts"/> (<c>docker rm -v</c>, AutoRemove); one another
    /// container still uses (through <c>--volumes-from</c>) stays, silently, as dockerd does.
    /// </summary>
    public static void RemoveAnonymous(IEnumerable<ContainerMount> mounts, VolumeService volumes)
    {
        foreach (var name in mounts.Where(m => m.Anonymous && m.Point.Name is not null).Select(m => m.Point.Name!).Distinct())
        {
            try { volumes.Remove(name); }
            catch (Exception e) when (e is ConflictException or NotFoundException) { }
        }
    }

    private static ContainerMount Make(Request r, VolumeService volumes)
    {
        var point = new MountPoint { Type = r.Type, Destination = Clean(r.Target), Mode = r.Mode, RW = !r.ReadOnly, Propagation = r.Propagation };
        switch (r.Type)
        {
            case "volume":
                var volume = volumes.Create(new VolumeCreateRequest { Name = r.Source, Driver = r.Volume?.Driver, DriverOpts = r.Volume?.DriverOpts, Labels = r.Volume?.Labels });
                point.Name = volume.Name;
                point.Source = volume.Mountpoint;
                point.Driver = volume.Driver;
                break;
            case "bind":
                if (!Path.Exists(r.Source))
                {
                    if (!r.CreateSource) throw new InvalidParameterException($"invalid mount config for type \"bind\": bind source path does not exist: {r.Source}");
                    Directory.CreateDirectory(r.Source);
                }
                point.Source = r.Source;
                break;
        }
        var isVolume = r.Type == "volume";
        return new ContainerMount
        {
            Point = point, TmpfsOptions = r.TmpfsOptions, CopyUp = isVolume && !r.NoCopy, Anonymous = isVolume && r.Source.Length == 0, BindOptions = r.BindOptions,
        };
    }

    /// <summary>
    /// <c>--volumes-from ID[:MODE]</c>: the container's volumes and binds at their destinations, read-only if it has them
    /// so or MODE says <c>ro</c> (as dockerd, <c>rw</c> does not lift a read-only mount); no mode shown, no copy-up.
    /// </summary>
    private static IEnumerable<ContainerMount> FromContainer(string spec, Func<string, IReadOnlyList<ContainerMount>> mountsOf)
    {
        var (id, readOnly) = ParseVolumesFrom(spec);
        IReadOnlyList<ContainerMount> theirs;
        try { theirs = mountsOf(id); }
        catch (NotFoundException e) { throw new InvalidParameterException(e.Message); }
        return theirs.Where(m => m.Point.Type is "volume" or "bind").Select(m => new ContainerMount
        {
            Point = new MountPoint
            {
                Type = m.Point.Type, Name = m.Point.Name, Source = m.Point.Source, Destination = m.Point.Destination, Driver = m.Point.Driver,
                Mode = "", RW = m.Point.RW && !readOnly, Propagation = m.Point.Propagation,
            },
            Anonymous = m.Anonymous,
            BindOptions = m.BindOptions,
        }).ToList();
    }

    /// <summary>dockerd's <c>ParseVolumesFrom</c>: a container and an optional mode of <c>ro</c>/<c>rw</c> and an SELinux label.</summary>
    private static (string Id, bool ReadOnly) ParseVolumesFrom(string spec)
    {
        if (spec.Length == 0) throw new InvalidParameterException("volumes-from specification cannot be an empty string");
        var (id, mode) = spec.Split(':', 2) is [var i, var m] ? (i, m) : (spec, "");
        if (mode.Length == 0) return (id, false);
        var modes = mode.Split(',');
        var valid = modes.All(o => o is "ro" or "rw" or "z" or "Z")
            && modes.Count(o => o is "ro" or "rw") <= 1 && modes.Count(o => o is "z" or "Z") <= 1;
        if (!valid) throw new InvalidParameterException($"invalid mode: {mode}");
        return (id, modes.Contains("ro"));
    }

    /// <summary>The names of the volumes a container's mounts use.</summary>
    public static IEnumerable<string> VolumeNames(IEnumerable<ContainerMount> mounts) =>
        mounts.Where(m => m.Point.Type == "volume" && m.Point.Name is not null).Select(m => m.Point.Name!);

    private static Request ParseBind(string spec)
    {
        // TARGET alone is an anonymous volume; SOURCE:MODE is not a spec (dockerd: "volumes cannot include a mode").
        var parts = spec.Split(':');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0) || parts.Length == 2 && IsMode(parts[1]))
            throw new InvalidParameterException($"invalid volume specification: '{spec}'");
        var (source, target) = parts.Length == 1 ? ("", parts[0]) : (parts[0], parts[1]);
        var type = source.StartsWith('/') ? "bind" : "volume";
        var modes = parts.Length == 3 ? parts[2].Split(',') : [];
        string Invalid(string why) => $"invalid volume specification: '{spec}': {why}";
        CheckTarget(target, why => Invalid($"invalid mount config for type \"{type}\": {why}"));
        if (type == "volume" && source.Length > 0) CheckVolumeName(source);
        var readOnly = false;
        var propagation = type == "bind" ? DefaultBindPropagation : "";
        var seen = new HashSet<string>();
        foreach (var mode in modes)
        {
            var valid = mode switch
            {
                "ro" or "rw" => !seen.Contains("ro") && !seen.Contains("rw"),
                "z" or "Z" => !seen.Contains("z") && !seen.Contains("Z"),
                "nocopy" => type == "volume" && !seen.Contains(mode),
                _ => type == "bind" && Propagations.Contains(mode) && !seen.Overlaps(Propagations),
            };
            if (!valid) throw new InvalidParameterException(Invalid($"invalid mode: {mode}"));
            seen.Add(mode);
            if (mode == "ro") readOnly = true;
            if (Propagations.Contains(mode)) propagation = mode;
        }
        // As dockerd shows it: the mode as given; a volume without one shows SELinux's default "z".
        var shown = parts.Length == 3 ? parts[2] : type == "volume" ? VolumeMode : "";
        return new Request(type, source, target, readOnly, shown, propagation, CreateSource: true, [], NoCopy: seen.Contains("nocopy"));
    }

    private static Request ParseMount(Mount mount)
    {
        string Invalid(string why) => $"invalid mount config for type \"{mount.Type}\": {why}";
        if (mount.Type is not ("volume" or "bind" or "tmpfs")) throw new InvalidParameterException(Invalid("mount type unknown"));
        if (mount.Target.Length == 0) throw new InvalidParameterException(Invalid("field Target must not be empty"));
        CheckTarget(mount.Target, Invalid);
        if (mount.Type != "bind" && mount.BindOptions is not null) throw new InvalidParameterException(Invalid("field BindOptions must not be specified"));
        if (mount.Type != "volume" && mount.VolumeOptions is not null) throw new InvalidParameterException(Invalid("field VolumeOptions must not be specified"));
        if (mount.Type != "tmpfs" && mount.TmpfsOptions is not null) throw new InvalidParameterException(Invalid("field TmpfsOptions must not be specified"));
        switch (mount.Type)
        {
            case "bind":
                if (mount.Source.Length == 0) throw new InvalidParameterException(Invalid("field Source must not be empty"));
                if (!mount.Source.StartsWith('/')) throw new InvalidParameterException(Invalid($"invalid mount path: '{mount.Source}' mount path must be absolute"));
                var propagation = mount.BindOptions?.Propagation is { Length: > 0 } p ? p : DefaultBindPropagation;
                if (!Propagations.Contains(propagation)) throw new InvalidParameterException(Invalid($"invalid propagation mode: {propagation}"));
                CheckReadOnlyRecursion(mount, Invalid);
                return new Request("bind", mount.Source, mount.Target, mount.ReadOnly, "", propagation, CreateSource: false, [], BindOptions: mount.BindOptions);
            case "volume":
                if (mount.Source.Length > 0) CheckVolumeName(mount.Source);
                return new Request("volume", mount.Source, mount.Target, mount.ReadOnly, VolumeMode, "", CreateSource: true, [], NoCopy: mount.VolumeOptions?.NoCopy == true,
                    Volume: new VolumeCreateRequest { Driver = mount.VolumeOptions?.DriverConfig?.Name, DriverOpts = mount.VolumeOptions?.DriverConfig?.Options, Labels = mount.VolumeOptions?.Labels });
            default:
                if (mount.Source.Length > 0) throw new InvalidParameterException(Invalid("field Source must not be specified"));
                var options = new List<string>();
                if (mount.TmpfsOptions is { } tmpfs)
                {
                    if (tmpfs.SizeBytes < 0) throw new InvalidParameterException(Invalid($"invalid tmpfs size: {tmpfs.SizeBytes}"));
                    if (tmpfs.SizeBytes > 0) options.Add($"size={tmpfs.SizeBytes}");
                    if (tmpfs.Mode != 0) options.Add("mode=" + Convert.ToString(tmpfs.Mode & 0xfff, 8));
                }
                return new Request("tmpfs", "", mount.Target, mount.ReadOnly, "", "", CreateSource: false, options);
        }
    }

    /// <summary>dockerd's conflicts between ReadOnly and the 1.44 recursion options (it finds them at start; we at create).</summary>
    private static void CheckReadOnlyRecursion(Mount mount, Func<string, string> invalid)
    {
        if (mount.BindOptions is not { } o) return;
        string? conflict = (mount.ReadOnly, o.ReadOnlyNonRecursive, o.ReadOnlyForceRecursive) switch
        {
            (false, true, _) => "!ReadOnly && BindOptions.ReadOnlyNonRecursive",
            (false, _, true) => "!ReadOnly && BindOptions.ReadOnlyForceRecursive",
            (_, true, true) => "ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive",
            _ => null,
        };
        if (conflict is not null) throw new InvalidParameterException(invalid("mount options conflict: " + conflict));
    }

    private static bool IsMode(string mode) => mode.Split(',').All(o => o is "ro" or "rw" or "z" or "Z" or "nocopy" || Propagations.Contains(o));

    private static void CheckTarget(string target, Func<string, string> invalid)
    {
        if (!target.StartsWith('/')) throw new InvalidParameterException(invalid($"invalid mount path: '{target}' mount path must be absolute"));
        if (Clean(target) == "/") throw new InvalidParameterException(invalid("invalid specification: destination can't be '/'"));
    }

    private static void CheckVolumeName(string name)
    {
        if (!VolumeStore.IsValidName(name))
            throw new InvalidParameterException($"create {name}: {VolumeStore.InvalidNameMessage(name)}");
    }

    private static string Clean(string path) => "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));
}
