using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>
/// Builds the container's filesystem view. Runs in the init process, already inside the new mount namespace
/// (mounts and the root are per mount-namespace / per-process fs state, so any thread may do this).
/// </summary>
internal sealed class RootfsSetup(RuntimeSpec spec, string rootfs, Action<string> warn)
{
    private static readonly (string name, uint major, uint minor)[] DefaultDevices =
        [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("tty", 5, 0), ("random", 1, 8), ("urandom", 1, 9)];

    /// <summary>Everything before the root changes: propagation, the rootfs bind, the spec's mounts, /dev.</summary>
    public void PrepareRoot()
    {
        Check(mount(null, "/", null, MountOptions.ParsePropagation(spec.Linux?.RootfsPropagation), null), "mount: make / " + (spec.Linux?.RootfsPropagation ?? "rslave"));
        // pivot_root needs the new root to be a mount point of its own.
        Check(mount(rootfs, rootfs, null, MS_BIND | MS_REC, null), $"mount: bind rootfs {rootfs}");

        bool devIsTmpfs = false;
        foreach (var m in spec.Mounts ?? [])
        {
            MountOne(m);
            if (m.Destination.TrimEnd('/') == "/dev" && m.Type != "bind" && !MountOptions.Parse(m.Options).IsBind) devIsTmpfs = true;
        }
        if (devIsTmpfs) CreateDefaultDevices();
        foreach (var d in spec.Linux?.Devices ?? []) CreateDevice(d);
    }

    private void MountOne(MountSpec m)
    {
        var opts = MountOptions.Parse(m.Options);
        string dest = SecureJoin.Resolve(rootfs, m.Destination);
        string what = $"mount {m.Source ?? m.Type} on {m.Destination} ({m.Type})";
        bool bind = opts.IsBind || m.Type == "bind";

        if (bind)
        {
            string source = m.Source ?? throw new InvalidSpecException($"bind mount to {m.Destination} has no source");
            CreateMountPoint(dest, isFile: File.Exists(source) && !Directory.Exists(source));
            Check(mount(source, dest, null, MS_BIND | (opts.Recursive ? MS_REC : 0), null), what);
            // Bind mounts ignore flags on the first call: apply ro/nosuid/nodev/noexec with a remount.
            ulong extra = opts.Flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
            if (extra != 0) Check(mount(null, dest, null, MS_BIND | MS_REMOUNT | extra | (opts.Recursive ? MS_REC : 0), null), what + " (remount)");
        }
        else if (m.Type == "cgroup")
        {
            CreateMountPoint(dest, isFile: false);
            MountCgroupTree(dest, opts);
        }
        else
        {
            CreateMountPoint(dest, isFile: false);
            ulong flags = opts.Flags & ~MS_REMOUNT;
            if (mount(m.Source ?? m.Type, dest, m.Type, flags, opts.Data.Length == 0 ? null : opts.Data) != 0)
            {
                int errno = Errno;
                // sysfs cannot be mounted without a network namespace of our own: bind the host's, as runc does.
                if (m.Type == "sysfs" && errno == EPERM)
                {
                    Check(mount("/sys", dest, null, MS_BIND | MS_REC, null), what + " (bind fallback)");
                    Check(mount(null, dest, null, MS_BIND | MS_REMOUNT | MS_REC | flags, null), what + " (bind fallback remount)");
                }
                else throw new Interop.SyscallException(what, errno);
            }
        }
        foreach (var p in opts.Propagation) Check(mount(null, dest, null, p, null), what + " (propagation)");
    }

    private static void CreateMountPoint(string dest, bool isFile)
    {
        if (isFile)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            if (!File.Exists(dest)) File.WriteAllBytes(dest, []);
        }
        else Directory.CreateDirectory(dest);
    }

    /// <summary>
    /// A "cgroup" mount is a view of every hierarchy the host has. Inside the container's cgroup namespace
    /// each hierarchy shows the container's own cgroup as its root.
    /// </summary>
    private void MountCgroupTree(string dest, MountOptions opts)
    {
        ulong flags = (opts.Flags | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~(MS_REMOUNT | MS_BIND);
        if (Cgroups.CgroupManager.IsUnifiedHost)
        {
            Check(mount("cgroup2", dest, "cgroup2", flags, null), $"mount cgroup2 on {dest}");
            return;
        }
        // As runc on a v1 host: a writable tmpfs holding one read-only (if asked) mount per v1 hierarchy.
        Check(mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"), $"mount tmpfs on {dest}");
        foreach (var h in Cgroups.V1Hierarchies.Mounted().Where(h => !h.IsUnified))
        {
            string dir = Path.Combine(dest, h.Name);
            Directory.CreateDirectory(dir);
            Check(mount("cgroup", dir, "cgroup", flags, h.MountData), $"mount cgroup ({h.MountData}) on {dir}");
        }
    }

    private void CreateDefaultDevices()
    {
        string dev = SecureJoin.Resolve(rootfs, "/dev");
        foreach (var (name, major, minor) in DefaultDevices)
            CreateDevice(new DeviceSpec { Path = "/dev/" + name, Type = "c", Major = major, Minor = minor, FileMode = 0x1b6 /* 0666 */ });
        (string link, string target)[] links = [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx")];
        foreach (var (link, target) in links)
        {
            string path = Path.Combine(dev, link);
            if (!File.Exists(path) && new FileInfo(path).LinkTarget is null) File.CreateSymbolicLink(path, target);
        }
        if (File.Exists("/proc/kcore") && !File.Exists(Path.Combine(dev, "core"))) File.CreateSymbolicLink(Path.Combine(dev, "core"), "/proc/kcore");
    }

    private void CreateDevice(DeviceSpec d)
    {
        string path = SecureJoin.Resolve(rootfs, d.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        uint type = d.Type switch
        {
            "c" or "u" => 0x2000u, "b" => 0x6000u, "p" => 0x1000u,
            _ => throw new InvalidSpecException($"device {d.Path}: unknown type '{d.Type}'"),
        };
        uint mode = d.FileMode ?? 0x1b6;
        if (File.Exists(path)) File.Delete(path);
        if (mknod(path, type | (mode & 0xfff), MakeDev((ulong)d.Major, (ulong)d.Minor)) != 0)
        {
            // Without CAP_MKNOD (e.g. inside a user namespace) bind the host's node instead, as runc does.
            int errno = Errno;
            if (errno != EPERM || !File.Exists(d.Path)) throw new Interop.SyscallException($"mknod {d.Path}", errno);
            File.WriteAllBytes(path, []);
            Check(mount(d.Path, path, null, MS_BIND, null), $"bind device {d.Path}");
            return;
        }
        // mknod honours the umask: set the mode the spec asked for explicitly.
        File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xfff));
        Check(chown(path, (int)(d.Uid ?? 0), (int)(d.Gid ?? 0)), $"chown {d.Path}");
    }

    private static ulong MakeDev(ulong major, ulong minor) =>
        ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);

    /// <summary>Makes rootfs the root: pivot_root, or MS_MOVE + chroot where pivot_root cannot work (initramfs).</summary>
    public void ChangeRoot(bool noPivot)
    {
        if (!noPivot && TryPivotRoot()) return;
        Check(chdir(rootfs), $"chdir {rootfs}");
        Check(mount(rootfs, "/", null, MS_MOVE, null), $"mount --move {rootfs} /");
        Check(chroot("."), "chroot .");
        Check(chdir("/"), "chdir /");
    }

    private bool TryPivotRoot()
    {
        int oldRoot = Check(open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0), "open /");
        try
        {
            Check(chdir(rootfs), $"chdir {rootfs}");
            // pivot_root(".", ".") stacks the old root on top of the new one; we then detach it from under us.
            unsafe
            {
                byte* dot = stackalloc byte[] { (byte)'.', 0 };
                if (syscall(SYS_pivot_root, (nint)dot, (nint)dot, 0) != 0)
                {
                    if (Errno == EINVAL) { warn("pivot_root not possible here, using MS_MOVE + chroot"); return false; }
                    throw new Interop.SyscallException($"pivot_root {rootfs}", Errno);
                }
            }
            Check(fchdir(oldRoot), "fchdir old root");
            // Make sure the unmount does not propagate back to the host.
            Check(mount(null, ".", null, MS_SLAVE | MS_REC, null), "mount: make old root rslave");
            Check(umount2(".", MNT_DETACH), "umount old root");
            Check(chdir("/"), "chdir /");
            return true;
        }
        finally { close(oldRoot); }
    }

    /// <summary>After the root change: masked and read-only paths, then a read-only root if asked.</summary>
    public void FinishRoot()
    {
        foreach (var p in spec.Linux?.MaskedPaths ?? []) Mask(p);
        foreach (var p in spec.Linux?.ReadonlyPaths ?? []) MakeReadonly(p);
        if (spec.Root?.Readonly == true)
            Check(mount(null, "/", null, MS_BIND | MS_REMOUNT | MS_RDONLY, null), "remount / read-only");
    }

    private static void Mask(string path)
    {
        if (Directory.Exists(path)) Check(mount("tmpfs", path, "tmpfs", MS_RDONLY, null), $"mask {path}");
        else if (File.Exists(path)) Check(mount("/dev/null", path, null, MS_BIND, null), $"mask {path}");
    }

    private static void MakeReadonly(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path)) return;
        Check(mount(path, path, null, MS_BIND | MS_REC, null), $"bind {path}");
        Check(mount(null, path, null, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, null), $"remount {path} read-only");
    }
}
