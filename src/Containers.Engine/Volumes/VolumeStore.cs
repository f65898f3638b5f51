using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Host;

namespace Containers.Engine.Volumes;

/// <summary>
/// Named volumes of the "local" driver: <c>data-root/volumes/NAME/_data</c> holds the content and
/// <c>data-root/volumes/NAME/volume.json</c> the record (written atomically; a directory without a record is a
/// crash leftover and is removed at start).
/// </summary>
public sealed partial class VolumeStore
{
    public const string LocalDriver = "local";
    public const string AnonymousLabel = "com.docker.volume.anonymous";

    /// <summary>The options Docker's local driver understands (passed to mount(8) when a container uses the volume).</summary>
    private static readonly string[] LocalOptions = ["type", "device", "o", "size"];

    private readonly string _root;
    private readonly EventBus _events;
    private readonly Lock _gate = new();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ValidName();

    public VolumeStore(string dataRoot, EventBus events)
    {
        _root = Path.Combine(dataRoot, "volumes");
        _events = events;
        Directory.CreateDirectory(_root);
        foreach (var dir in Directory.EnumerateDirectories(_root))
            if (!File.Exists(RecordPath(Path.GetFileName(dir))))
            {
                VolumeMounts.Unmount(Path.Combine(dir, "_data"));
                Directory.Delete(dir, recursive: true);
            }
    }

    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    public static string InvalidNameMessage(string name) =>
        $"\"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path";

    public Volume Create(VolumeCreateRequest request)
    {
        var driver = string.IsNullOrEmpty(request.Driver) ? LocalDriver : request.Driver;
        if (driver != LocalDriver)
            throw new NotFoundException($"error looking up volume plugin {driver}: plugin \"{driver}\" not found");
        var options = request.DriverOpts ?? [];
        foreach (var key in options.Keys)
            if (!LocalOptions.Contains(key)) throw new InvalidParameterException($"invalid option: \"{key}\"");
        CheckLocalOptions(options);

        var labels = request.Labels ?? [];
        var name = request.Name;
        if (string.IsNullOrEmpty(name))
        {
            name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            labels = new Dictionary<string, string>(labels) { [AnonymousLabel] = "" };
        }
        else if (!IsValidName(name))
        {
            throw new InvalidParameterException(InvalidNameMessage(name));
        }

        lock (_gate)
        {
            if (TryRead(name) is { } existing)
            {
                // Docker returns the existing volume when asked again; asking for other options is a conflict.
                if (options.Count > 0 && !SameOptions(existing.Options, options))
                    throw new ConflictException($"volume {name} already exists with different options");
                return existing;
            }
            var volume = new Volume
            {
                Name = name,
                Driver = LocalDriver,
                Mountpoint = Path.Combine(_root, name, "_data"),
                CreatedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssK"),
                Labels = new Dictionary<string, string>(labels),
                Options = new Dictionary<string, string>(options),
            };
            Directory.CreateDirectory(volume.Mountpoint);
            AtomicFile.WriteAllBytes(RecordPath(name), JsonSerializer.SerializeToUtf8Bytes(volume, ApiJson.Context.Volume));
            _events.Publish(EventTypes.Volume, "create", name, new Dictionary<string, string> { ["driver"] = LocalDriver });
            return volume;
        }
    }

    /// <summary>
    /// The local driver's checks of its options, in dockerd's words: <c>size</c> is a quota, which dockerd sets only on a
    /// volumes directory on xfs with project quotas; this engine sets none, so a size above 0 is refused as there.
    /// <c>type</c> and <c>device</c> need each other, <c>o</c> needs both.
    /// </summary>
    private static void CheckLocalOptions(Dictionary<string, string> options)
    {
        if (options.TryGetValue("size", out var size))
        {
            if (ParseRamSize(size) is not { } bytes) throw new InvalidParameterException($"invalid size: '{size}'");
            if (bytes > 0) throw new InvalidParameterException("quota size requested but no quota support");
        }
        (string Option, string[] Needs)[] mandatory = [("device", ["type"]), ("type", ["device"]), ("o", ["device", "type"])];
        foreach (var (option, needs) in mandatory)
            if (options.ContainsKey(option) && needs.FirstOrDefault(n => !options.ContainsKey(n)) is { } missing)
                throw new InvalidParameterException($"missing required option: \"{missing}\"");
    }

    /// <summary>go-units' RAMInBytes: a number, an optional k/m/g/t/p (binary multiples), an optional i and b.</summary>
    private static long? ParseRamSize(string text)
    {
        var match = RamSize().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var number)) return null;
        var unit = match.Groups[2].Value.ToLowerInvariant();
        var multiplier = unit.Length == 0 ? 1L : 1L << (10 * ("kmgtp".IndexOf(unit[0]) + 1));
        return (long)(number * multiplier);
    }

    [GeneratedRegex("^(\\d+(?:\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex RamSize();

    public Volume Get(string name) => TryRead(name) ?? throw new NotFoundException($"get {name}: no such volume");

    public string MountpointOf(string name) => Path.Combine(_root, name, "_data");

    public List<Volume> List() =>
        Directory.EnumerateDirectories(_root).Select(d => TryRead(Path.GetFileName(d))).OfType<Volume>()
            .OrderBy(v => v.Name, StringComparer.Ordinal).ToList();

    public void Remove(string name)
    {
        lock (_gate)
        {
            Get(name);
            VolumeMounts.Unmount(MountpointOf(name)); // never delete through a mount (a bind-type volume is a host directory)
            // The record goes first: a crash after this leaves a directory without a record, which start-up removes.
            File.Delete(RecordPath(name));
            Directory.Delete(Path.Combine(_root, name), recursive: true);
            _events.Publish(EventTypes.Volume, "destroy", name, new Dictionary<string, string> { ["driver"] = LocalDriver });
        }
    }

    /// <summary>Removes unused volumes: anonymous ones only, unless <c>all</c> is set (Docker's behaviour since API 1.42).</summary>
    public VolumePruneResponse Prune(bool all, Func<Volume, bool> matches)
    {
        var result = new VolumePruneResponse();
        foreach (var volume in List())
        {
            if (!all && !volume.Labels.ContainsKey(AnonymousLabel)) continue;
            if (!matches(volume)) continue;
            result.SpaceReclaimed += Usage(volume.Name);
            Remove(volume.Name);
            result.VolumesDeleted.Add(volume.Name);
        }
        _events.Publish(EventTypes.Volume, "prune", "", new Dictionary<string, string> { ["reclaimed"] = result.SpaceReclaimed.ToString() });
        return result;
    }

    private string RecordPath(string name) => Path.Combine(_root, name, "volume.json");

    private Volume? TryRead(string name)
    {
        if (!ValidName().IsMatch(name)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(RecordPath(name)), ApiJson.Context.Volume);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static bool SameOptions(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>The bytes of a volume's content as dockerd counts them: file sizes, a file with several links once.</summary>
    public long Usage(string name)
    {
        var seen = new HashSet<ulong>();
        long bytes = 0;
        var data = MountpointOf(name);
        if (!Directory.Exists(data)) return 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(data, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (Containers.Interop.Libc.LStat(path) is not { } st) continue;
            if (st.Nlink > 1 && !seen.Add(st.Ino)) continue;
            bytes += st.Size;
        }
        return bytes;
    }
}
