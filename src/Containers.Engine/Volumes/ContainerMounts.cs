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

    /// <summary>A <c>--mount type=bind</c>'s BindOptions as given (how recursively a read-only bind is read-only).</summary>
    public MountBindOptions? BindOptions { get; set; }
}

/// <summary>
/// A container's <c>HostConfig.Binds</c> (<c>-v SOURCE:TARGET[:MODE]</c>) and <c>HostConfig.Mounts</c> (<c>--mount</c>) as
/// dockerd reads them: <see cref="Parse"/> checks them (Docker's 400s, nothing made), <see cref="Resolve"/> then creates
/// the named volumes and missing <c>-v</c> host directories and returns what the container mounts.
/// </summary>
public static class ContainerMounts
{
    private static readonly string[] Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];
    private const string DefaultBindPropagation = "rprivate";

    /// <summary>A checked request: a volume (Source is its name, empty for an anonymous one), a bind or a tmpfs.</summary>
    public sealed record Request(string Type, string Source, string Target, bool ReadOnly, string Mode, string Propagation, bool CreateSource, List<string> TmpfsOptions, bool NoCopy = false, MountBindOptions? BindOptions = null);

    public static List<Request> Parse(HostConfig host)
    {
        var requests = (host.Binds ?? []).Select(ParseBind).Concat((host.Mounts ?? []).Select(ParseMount)).ToList();
        var duplicate = requests.Select(r => Clean(r.Target)).Concat((host.Tmpfs ?? []).Keys.Select(Clean))
            .GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidParameterException($"Duplicate mount point: {duplicate.Key}");
        return requests;
    }

    /// <summary>Makes what the requests name (volumes on first use, with their create event; <c>-v</c> host directories).</summary>
    public static List<ContainerMount> Resolve(List<Request> requests, VolumeService volumes) => requests.Select(r =>
    {
        var point = new MountPoint { Type = r.Type, Destination = r.Target, Mode = r.Mode, RW = !r.ReadOnly, Propagation = r.Propagation };
        switch (r.Type)
        {
            case "volume":
                var volume = volumes.Create(new VolumeCreateRequest { Name = r.Source });
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
        return new ContainerMount { Point = point, TmpfsOptions = r.TmpfsOptions, CopyUp = r.Type == "volume" && !r.NoCopy, BindOptions = r.BindOptions };
    }).ToList();

    /// <summary>The names of the volumes a container's mounts use.</summary>
    public static IEnumerable<string> VolumeNames(IEnumerable<ContainerMount> mounts) =>
        mounts.Where(m => m.Point.Type == "volume" && m.Point.Name is not null).Select(m => m.Point.Name!);

    private static Request ParseBind(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new InvalidParameterException($"invalid volume specification: '{spec}'");
        var (source, target) = (parts[0], parts[1]);
        var type = source.StartsWith('/') ? "bind" : "volume";
        var modes = parts.Length == 3 ? parts[2].Split(',') : [];
        string Invalid(string why) => $"invalid volume specification: '{spec}': {why}";
        CheckTarget(target, why => Invalid($"invalid mount config for type \"{type}\": {why}"));
        if (type == "volume") CheckVolumeName(source);
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
        var shown = parts.Length == 3 ? parts[2] : type == "volume" ? "z" : "";
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
                return new Request("volume", mount.Source, mount.Target, mount.ReadOnly, "", "", CreateSource: true, [], NoCopy: mount.VolumeOptions?.NoCopy == true);
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
