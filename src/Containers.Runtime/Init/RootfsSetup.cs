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

    private RootfsHandle? root;

    /// <summary>The rootfs by descriptor (open from <see cref="PrepareRoot"/> on): every path reached before the root changes goes through it.</summary>
    public RootfsHandle Root => root ?? throw new InvalidOperationException("PrepareRoot has not run");

    /// <summary>Everything before the root changes: propagation, the rootfs bind, the spec's mounts, /dev.</summary>
    public void PrepareRoot()
    {
        Check(mount(null, "/", null, MountOptions.ParsePropagation(spec.Linux?.RootfsPropagation), null), "mount: make / " + (spec.Linux?.RootfsPropagation ?? "rslave"));
        // pivot_root needs the new root to be a mount point of its own.
        Check(mount(rootfs, rootfs, null, MS_BIND | MS_REC, null), $"mount: bind rootfs {rootfs}");
        // Opened after that bind, so the descriptor is the new mount's root and what is mounted through it stays visible.
        root = new RootfsHandle(rootfs);

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
        string what = $"mount {m.Source ?? m.Type} on {m.Destination} ({m.Type})";
        bool bind = opts.IsBind || m.Type == "bind";

        if (bind)
        {
            string source = m.Source ?? throw new InvalidSpecException($"bind mount to {m.Destination} has no source");
            using (var target = Root.Open(m.Destination, file: File.Exists(source) && !Directory.Exists(source)))
                Check(mount(source, target.Path, null, MS_BIND | (opts.Recursive ? MS_REC : 0), null), what);
            // Bind mounts ignore flags on the first call: apply ro/nosuid/nodev/noexec with a remount. The kernel ignores
            // MS_REC here: a remount changes the top mount only ("ro" on an rbind leaves submounts writable, as with runc).
            ulong extra = opts.Flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
            if (extra != 0) OnMounted(m.Destination, t => mount(null, t.Path, null, MS_BIND | MS_REMOUNT | extra, null), what + " (remount)");
        }
        else if (m.Type == "cgroup") MountCgroupTree(m.Destination, opts);
        else
        {
            using var target = Root.Open(m.Destination);
            ulong flags = opts.Flags & ~MS_REMOUNT;
            if (mount(m.Source ?? m.Type, target.Path, m.Type, flags, opts.Data.Length == 0 ? null : opts.Data) != 0)
            {
                int errno = Errno;
                // sysfs cannot be mounted without a network namespace of our own: bind the host's, as runc does.
                if (m.Type == "sysfs" && errno == EPERM)
                {
                    Check(mount("/sys", target.Path, null, MS_BIND | MS_REC, null), what + " (bind fallback)");
                    OnMounted(m.Destination, t => mount(null, t.Path, null, MS_BIND | MS_REMOUNT | flags, null), what + " (bind fallback remount)");
                }
                else throw new Interop.SyscallException(what, errno);
            }
        }
        if (opts.HasRecursiveAttributes) SetRecursiveAttributes(m.Destination, opts, what);
        foreach (var p in opts.Propagation) OnMounted(m.Destination, t => mount(null, t.Path, null, p, null), what + " (propagation)");
    }

    /// <summary>
    /// A step on what is now mounted at <paramref name="destination"/>: the descriptor used to mount names the covered
    /// directory, so the destination is opened again (in scope, checked) to reach the new mount.
    /// </summary>
    private void OnMounted(string destination, Func<RootfsHandle.Target, int> step, string what)
    {
        using var target = Root.Open(destination);
        Check(step(target), what);
    }

    /// <summary>runc's "rro", "rnosuid", ...: mount_setattr(2) with AT_RECURSIVE, so every submount gets them too.</summary>
    private void SetRecursiveAttributes(string destination, MountOptions opts, string what) =>
        OnMounted(destination, t =>
        {
            int rc = mount_setattr(t.Fd, recursive: true, new MountAttr { AttrSet = opts.RecursiveSet, AttrClr = opts.RecursiveClear });
            if (rc != 0 && Errno is ENOSYS or EINVAL)
                throw new InvalidSpecException($"{what}: recursive mount options (rro, rnosuid, ...) need mount_setattr(2), which this kernel refuses (errno {Errno}; Linux 5.12 or later is needed)");
            return rc;
        }, what + " (mount_setattr, recursive)");

    /// <summary>
    /// A "cgroup" mount is a view of every hierarchy the host has. Inside the container's cgroup namespace
    /// each hierarchy shows the container's own cgroup as its root.
    /// </summary>
    private void MountCgroupTree(string destination, MountOptions opts)
    {
        ulong flags = (opts.Flags | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~(MS_REMOUNT | MS_BIND);
        if (Cgroups.CgroupManager.IsUnifiedHost)
        {
            using var target = Root.Open(destination);
            Check(mount("cgroup2", target.Path, "cgroup2", flags, null), $"mount cgroup2 on {destination}");
            return;
        }
        // As runc on a v1 host: a writable tmpfs holding one read-only (if asked) mount per v1 hierarchy.
        using (var target = Root.Open(destination))
            Check(mount("tmpfs", target.Path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755"), $"mount tmpfs on {destination}");
        foreach (var h in Cgroups.V1Hierarchies.Mounted().Where(h => !h.IsUnified))
        {
            using var dir = Root.Open(destination + "/" + h.Name);
            Check(mount("cgroup", dir.Path, "cgroup", flags, h.MountData), $"mount cgroup ({h.MountData}) on {destination}/{h.Name}");
        }
    }

    private void CreateDefaultDevices()
    {
        foreach (var (name, major, minor) in DefaultDevices)
            CreateDevice(new DeviceSpec { Path = "/dev/" + name, Type = "c", Major = major, Minor = minor, FileMode = 0x1b6 /* 0666 */ });
        var links = new List<(string link, string target)> { ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx") };
        if (File.Exists("/proc/kcore")) links.Add(("core", "/proc/kcore"));
        using var dev = Root.Open("/dev");
        foreach (var (link, target) in links)
            if (symlinkat(target, dev.Fd, link) != 0 && Errno != EEXIST) throw new Interop.SyscallException($"symlink /dev/{link}", Errno);
    }

    private void CreateDevice(DeviceSpec d)
    {
        uint type = d.Type switch
        {
            "c" or "u" => 0x2000u, "b" => 0x6000u, "p" => 0x1000u,
            _ => throw new InvalidSpecException($"device {d.Path}: unknown type '{d.Type}'"),
        };
        uint mode = d.FileMode ?? 0x1b6;
        string name = Path.GetFileName(d.Path.TrimEnd('/'));
        using var parent = Root.Open(Path.GetDirectoryName(d.Path.TrimEnd('/')) ?? "/");
        unlinkat(parent.Fd, name, 0); // a file the image has there (ENOENT when none)
        if (mknodat(parent.Fd, name, type | (mode & 0xfff), MakeDev((ulong)d.Major, (ulong)d.Minor)) != 0)
        {
            // Without CAP_MKNOD (e.g. inside a user namespace) bind the host's node instead, as runc does.
            int errno = Errno;
            if (errno != EPERM || !File.Exists(d.Path)) throw new Interop.SyscallException($"mknod {d.Path}", errno);
            using var target = Root.Open(d.Path, file: true);
            Check(mount(d.Path, target.Path, null, MS_BIND, null), $"bind device {d.Path}");
            return;
        }
        // mknod honours the umask: set the mode the spec asked for explicitly, on the node itself (never a link there).
        int node = Check(openat(parent.Fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0), $"open {d.Path}");
        try
        {
            Check(chmod($"/proc/self/fd/{node}", mode & 0xfff), $"chmod {d.Path}");
            Check(fchownat(node, "", (int)(d.Uid ?? 0), (int)(d.Gid ?? 0), AT_EMPTY_PATH), $"chown {d.Path}");
        }
        finally { close(node); }
    }

    private static ulong MakeDev(ulong major, ulong minor) =>
        ((major & 0xfffff000UL) << 32) | ((major & 0xfffUL) << 8) | ((minor & 0xffffff00UL) << 12) | (minor & 0xffUL);

    /// <summary>Makes rootfs the root: pivot_root, or MS_MOVE + chroot where pivot_root cannot work (initramfs).</summary>
    public void ChangeRoot(bool noPivot)
    {
        root?.Dispose();
        root = null;
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
