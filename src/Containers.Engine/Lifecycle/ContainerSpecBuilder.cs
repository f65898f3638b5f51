using Containers.Api;
using Containers.Interop;
using Containers.Runtime.Security;
using Containers.Runtime.Spec;
using RuntimeMount = Containers.Runtime.Spec.MountSpec;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Turns a container's Docker settings (its merged Config and its HostConfig) into the OCI runtime spec the runtime
/// runs: process, hostname, mounts (the runtime's defaults plus /etc/hostname, /etc/hosts, /etc/resolv.conf, tmpfs and
/// /dev/shm size), namespaces by network mode, capabilities, seccomp, no_new_privs, rlimits, sysctls and cgroup resources.
/// </summary>
public static class ContainerSpecBuilder
{
    private const long DefaultShmSize = 64L * 1024 * 1024;
    private const ulong CpuPeriod = 100_000;

    /// <summary>Docker's capability arithmetic: all for privileged, else the default set with --cap-add/--cap-drop.</summary>
    public static List<string> EffectiveCapabilities(HostConfig host) => host.Privileged
        ? [.. Capabilities.Names]
        : Capabilities.Adjust(Capabilities.DockerDefault, host.CapAdd ?? [], host.CapDrop ?? []);

    /// <param name="user">The process's user, resolved against the container's /etc/passwd and /etc/group.</param>
    /// <param name="containerDirectory">Holds the hostname, hosts and resolv.conf files bind-mounted into the container.</param>
    /// <param name="networkNamespacePath">For <c>container:ID</c> network mode: the other container's network namespace.</param>
    public static RuntimeSpec Build(ContainerRecord container, string rootfs, string containerDirectory, UserSpec user, string? networkNamespacePath = null)
    {
        var config = container.Config;
        var host = container.HostConfig;
        var spec = DefaultSpec.Create();
        var capabilities = EffectiveCapabilities(host);

        spec.Root = new RootSpec { Path = rootfs, Readonly = host.ReadonlyRootfs };
        spec.Hostname = config.Hostname;
        spec.Domainname = config.Domainname.Length > 0 ? config.Domainname : null;
        spec.Process = new ProcessSpec
        {
            Terminal = config.Tty,
            Args = [container.Path, .. container.Args],
            Env = config.Env,
            Cwd = config.WorkingDir.Length > 0 ? config.WorkingDir : "/",
            User = user,
            Capabilities = new CapabilitiesSpec { Bounding = capabilities, Effective = capabilities, Permitted = capabilities },
            NoNewPrivileges = (host.SecurityOpt ?? []).Any(o => o is "no-new-privileges" or "no-new-privileges:true" or "no-new-privileges=true"),
            OomScoreAdj = host.OomScoreAdj,
            Rlimits = host.Ulimits?.Select(u => new RlimitSpec { Type = "RLIMIT_" + u.Name.ToUpperInvariant(), Soft = (ulong)u.Soft, Hard = (ulong)u.Hard }).ToList()
                ?? spec.Process?.Rlimits,
        };

        var mounts = spec.Mounts!.Where(m => m.Destination != "/dev/shm").ToList();
        mounts.Add(new RuntimeMount
        {
            Destination = "/dev/shm", Type = "tmpfs", Source = "shm",
            Options = ["nosuid", "noexec", "nodev", "mode=1777", $"size={(host.ShmSize > 0 ? host.ShmSize : DefaultShmSize)}"],
        });
        foreach (var file in new[] { "hostname", "hosts", "resolv.conf" })
            mounts.Add(new RuntimeMount { Destination = "/etc/" + file, Type = "bind", Source = Path.Combine(containerDirectory, file), Options = ["rbind", "rprivate"] });
        // The user's mounts, parents before what is mounted inside them (dockerd sorts by depth: /data before /data/sub).
        var tmpfs = (host.Tmpfs ?? []).Select(t => new RuntimeMount
        {
            Destination = t.Key, Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", .. t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)],
        });
        mounts.AddRange(tmpfs.Concat(container.Mounts.Select(RuntimeMountOf))
            .OrderBy(m => m.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries).Length));
        spec.Mounts = mounts;

        var linux = spec.Linux!;
        linux.Namespaces = Namespaces(host.NetworkMode, networkNamespacePath);
        linux.Sysctl = host.Sysctls;
        linux.Resources = Resources(host);
        linux.CgroupsPath = CgroupPath(container.Id);
        var unconfined = host.Privileged || (host.SecurityOpt ?? []).Contains("seccomp=unconfined");
        linux.Seccomp = unconfined ? null : DockerSeccompProfile.Create(capabilities);
        if (host.Privileged)
        {
            linux.MaskedPaths = [];
            linux.ReadonlyPaths = [];
        }
        return spec;
    }

    /// <summary>
    /// A volume or bind as a recursive bind of its host directory (a plain one with BindOptions.NonRecursive), a tmpfs as a tmpfs. A read-only volume or bind is
    /// recursively read-only ("rro": every submount too) as with Docker 25 and API 1.44, unless BindOptions.ReadOnlyNonRecursive
    /// asks for the top only ("ro"); where the kernel cannot (no mount_setattr) it falls back to "ro" unless
    /// ReadOnlyForceRecursive, which the runtime then refuses clearly.
    /// </summary>
    private static RuntimeMount RuntimeMountOf(Volumes.ContainerMount mount)
    {
        var point = mount.Point;
        if (point.Type == "tmpfs")
            return new RuntimeMount { Destination = point.Destination, Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", .. mount.TmpfsOptions, .. point.RW ? [] : new[] { "ro" }] };
        var propagation = point.Propagation.Length > 0 ? point.Propagation : "rprivate";
        var recursive = mount.BindOptions is { } o ? !o.ReadOnlyNonRecursive && (o.ReadOnlyForceRecursive || Libc.HasMountSetattr) : Libc.HasMountSetattr;
        List<string> readOnly = point.RW ? [] : [recursive ? "rro" : "ro"];
        var bind = mount.BindOptions?.NonRecursive == true ? "bind" : "rbind";
        return new RuntimeMount { Destination = point.Destination, Type = "bind", Source = point.Source, Options = [bind, propagation, .. readOnly] };
    }

    /// <summary>The container's cgroup under every hierarchy (v1 controllers, or the unified tree).</summary>
    public static string CgroupPath(string id) => "/containers-engine/" + id;

    private static List<NamespaceSpec> Namespaces(string networkMode, string? networkNamespacePath)
    {
        var namespaces = new List<NamespaceSpec> { new() { Type = "pid" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" } };
        if (networkMode.StartsWith("container:", StringComparison.Ordinal))
            namespaces.Add(new NamespaceSpec { Type = "network", Path = networkNamespacePath ?? throw new ArgumentException("container network mode needs the other container's namespace") });
        else if (networkMode != "host")
            namespaces.Add(new NamespaceSpec { Type = "network" }); // none: loopback only; bridge networks: their veths are added between create and start
        return namespaces;
    }

    /// <summary>The cgroup limits of a HostConfig (also applied to a running container by <c>docker update</c>).</summary>
    public static ResourcesSpec Resources(HostConfig host)
    {
        var resources = new ResourcesSpec();
        if (host.Memory > 0 || host.MemoryReservation > 0)
        {
            resources.Memory = new MemorySpec
            {
                Limit = host.Memory > 0 ? host.Memory : null,
                Reservation = host.MemoryReservation > 0 ? host.MemoryReservation : null,
                // Docker's default: as much swap as memory (MemorySwap = 2 x Memory); -1 means unlimited swap.
                Swap = host.MemorySwap switch { -1 => -1, > 0 => host.MemorySwap, _ => host.Memory > 0 ? host.Memory * 2 : null },
            };
        }
        var cpu = new CpuSpec
        {
            Shares = host.CpuShares > 0 ? (ulong)host.CpuShares : null,
            Cpus = string.IsNullOrEmpty(host.CpusetCpus) ? null : host.CpusetCpus,
            Mems = string.IsNullOrEmpty(host.CpusetMems) ? null : host.CpusetMems,
        };
        if (host.NanoCpus > 0)
        {
            cpu.Period = CpuPeriod;
            cpu.Quota = host.NanoCpus * (long)CpuPeriod / 1_000_000_000;
        }
        else if (host.CpuQuota > 0)
        {
            cpu.Quota = host.CpuQuota;
            cpu.Period = host.CpuPeriod > 0 ? (ulong)host.CpuPeriod : CpuPeriod;
        }
        if (cpu.Shares is not null || cpu.Quota is not null || cpu.Cpus is not null || cpu.Mems is not null) resources.Cpu = cpu;
        if (host.PidsLimit is > 0) resources.Pids = new PidsSpec { Limit = host.PidsLimit.Value };
        if (host.BlkioWeight > 0) resources.BlockIO = new BlockIOSpec { Weight = (ushort)host.BlkioWeight };
        return resources;
    }
}
