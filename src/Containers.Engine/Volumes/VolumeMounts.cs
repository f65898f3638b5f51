using System.Globalization;
using System.Runtime.InteropServices;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Lifecycle;
using static Containers.Interop.Libc;

namespace Containers.Engine.Volumes;

/// <summary>
/// The local driver's mounted volumes, as dockerd's: a volume created with <c>type</c>/<c>device</c>/<c>o</c> options
/// gets that filesystem mounted on its <c>_data</c> when the first running container using it starts, and unmounted when
/// the last one has ended. The count is per container ID and in memory; <see cref="Reconcile"/> rebuilds it at engine
/// start from the containers still running (a mount whose users are gone is taken down then).
/// </summary>
public sealed class VolumeMounts(VolumeStore store)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _users = new(StringComparer.Ordinal);

    /// <summary>Mounts the container's option-bearing volumes that are not mounted yet and counts it as their user.</summary>
    public void Acquire(string containerId, IEnumerable<string> volumeNames)
    {
        lock (_gate)
        {
            foreach (var name in volumeNames.Distinct())
            {
                var volume = store.Get(name);
                if (!LocalMountOptions.NeedsMount(volume.Options)) continue;
                if (!_users.TryGetValue(name, out var users)) _users[name] = users = [];
                if (users.Count == 0 && !ContainerRunner.IsMountPoint(volume.Mountpoint)) Mount(volume);
                users.Add(containerId);
            }
        }
    }

    /// <summary>The container no longer runs: the volumes it was the last user of are unmounted. Idempotent.</summary>
    public void Release(string containerId)
    {
        lock (_gate)
        {
            foreach (var (name, users) in _users.ToList())
            {
                if (!users.Remove(containerId) || users.Count > 0) continue;
                _users.Remove(name);
                Unmount(store.MountpointOf(name));
            }
        }
    }

    /// <summary>At engine start: the running containers' volumes stay mounted and counted; any other volume mount goes.</summary>
    public void Reconcile(IEnumerable<(string ContainerId, IEnumerable<string> Volumes)> running)
    {
        lock (_gate)
        {
            _users.Clear();
            var mounted = store.List().Where(v => LocalMountOptions.NeedsMount(v.Options)).ToDictionary(v => v.Name);
            foreach (var (id, names) in running)
                foreach (var name in names.Where(mounted.ContainsKey))
                    (_users.TryGetValue(name, out var users) ? users : _users[name] = []).Add(id);
            foreach (var volume in mounted.Values.Where(v => !_users.ContainsKey(v.Name)))
                Unmount(volume.Mountpoint);
        }
    }

    /// <summary>Unmounts a volume's <c>_data</c> if something is mounted there (before its removal).</summary>
    public static void Unmount(string mountpoint)
    {
        // Stacked mounts come off one by one; EINVAL or ENOENT: nothing (more) is mounted there.
        while (ContainerRunner.IsMountPoint(mountpoint))
        {
            if (umount2(mountpoint, MNT_DETACH) == 0) continue;
            var errno = Errno;
            if (errno is EINVAL or ENOENT) return;
            throw new IOException($"unmounting volume {mountpoint}: {ErrnoText(errno)}");
        }
    }

    private static void Mount(Volume volume)
    {
        string Wrap(string why) => $"error while mounting volume '{volume.Mountpoint}': {why}";
        var options = volume.Options;
        var device = options.GetValueOrDefault("device", "");
        if (device.Length == 0) throw new SystemFailureException(Wrap("missing device in volume options"));
        var (flags, data) = LocalMountOptions.Parse(options.GetValueOrDefault("o", ""));
        var type = options.GetValueOrDefault("type", "");
        if (LocalMountOptions.Apply(device, volume.Mountpoint, type, flags, data) is { } failure)
            throw new SystemFailureException(Wrap($"failed to mount local volume: {failure}"));
    }

    private static string ErrnoText(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];
    }

    /// <summary>
    /// mount(8)'s <c>-o</c> as Docker's local driver reads it: the known flag words become mount flags, the rest is the
    /// filesystem's data; propagation words and a read-only bind are applied by a second mount call, as Linux needs.
    /// </summary>
    public static class LocalMountOptions
    {
        private const ulong PropagationTypes = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

        private static readonly Dictionary<string, (bool Clear, ulong Flag)> Flags = new(StringComparer.Ordinal)
        {
            ["defaults"] = (false, 0), ["ro"] = (false, MS_RDONLY), ["rw"] = (true, MS_RDONLY),
            ["suid"] = (true, MS_NOSUID), ["nosuid"] = (false, MS_NOSUID), ["dev"] = (true, MS_NODEV), ["nodev"] = (false, MS_NODEV),
            ["exec"] = (true, MS_NOEXEC), ["noexec"] = (false, MS_NOEXEC), ["sync"] = (false, MS_SYNCHRONOUS), ["async"] = (true, MS_SYNCHRONOUS),
            ["dirsync"] = (false, MS_DIRSYNC), ["remount"] = (false, MS_REMOUNT), ["mand"] = (false, MS_MANDLOCK), ["nomand"] = (true, MS_MANDLOCK),
            ["atime"] = (true, MS_NOATIME), ["noatime"] = (false, MS_NOATIME), ["diratime"] = (true, MS_NODIRATIME), ["nodiratime"] = (false, MS_NODIRATIME),
            ["bind"] = (false, MS_BIND), ["rbind"] = (false, MS_BIND | MS_REC),
            ["unbindable"] = (false, MS_UNBINDABLE), ["runbindable"] = (false, MS_UNBINDABLE | MS_REC),
            ["private"] = (false, MS_PRIVATE), ["rprivate"] = (false, MS_PRIVATE | MS_REC),
            ["shared"] = (false, MS_SHARED), ["rshared"] = (false, MS_SHARED | MS_REC),
            ["slave"] = (false, MS_SLAVE), ["rslave"] = (false, MS_SLAVE | MS_REC),
            ["relatime"] = (false, MS_RELATIME), ["norelatime"] = (true, MS_RELATIME),
            ["strictatime"] = (false, MS_STRICTATIME), ["nostrictatime"] = (true, MS_STRICTATIME),
        };

        /// <summary>A volume the driver mounts: one with a <c>type</c> or a <c>device</c>.</summary>
        public static bool NeedsMount(Dictionary<string, string> options) =>
            options.GetValueOrDefault("type", "").Length > 0 || options.GetValueOrDefault("device", "").Length > 0;

        public static (ulong Flags, string Data) Parse(string o)
        {
            ulong flags = 0;
            var data = new List<string>();
            foreach (var word in o.Split(','))
            {
                // As moby's parser: a word without a flag (unknown, or "defaults") is the filesystem's data.
                if (Flags.TryGetValue(word, out var f) && f.Flag != 0) flags = f.Clear ? flags & ~f.Flag : flags | f.Flag;
                else data.Add(word);
            }
            return (flags, string.Join(',', data));
        }

        /// <summary>The mount calls; null when done, else the failure as dockerd words it (operation, flags, data, errno).</summary>
        public static string? Apply(string device, string target, string type, ulong flags, string data)
        {
            var plain = flags & ~PropagationTypes;
            string? Call(string op, string source, string? fstype, ulong callFlags, string callData)
            {
                if (mount(source, target, fstype, callFlags, callData.Length > 0 ? callData : null) == 0) return null;
                var text = op + " " + (source.Length > 0 ? source + ":" + target : target);
                if (callFlags != 0) text += ", flags: 0x" + callFlags.ToString("x", CultureInfo.InvariantCulture);
                if (callData.Length > 0) text += ", data: " + callData;
                return text + ": " + ErrnoText(Errno);
            }
            if ((flags & MS_REMOUNT) == 0 || data.Length > 0)
                if (Call("mount", device, type, plain, data) is { } failed) return failed;
            if ((flags & PropagationTypes) != 0)
                if (Call("remount", "", null, flags & (PropagationTypes | MS_REC | MS_SILENT), "") is { } failed) return failed;
            if ((plain & (MS_BIND | MS_RDONLY)) == (MS_BIND | MS_RDONLY))
                if (Call("remount-ro", "", null, plain | MS_REMOUNT, "") is { } failed) return failed;
            return null;
        }
    }
}
