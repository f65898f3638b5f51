using Containers.Runtime.Spec;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Init;

/// <summary>
/// The container's root filesystem held by a file descriptor, and the one way the init reaches paths inside it before
/// the root changes. Every lookup is openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from that descriptor, so a
/// symlink in the image (/data -> /etc, /data -> ../../..) resolves as it would after chroot and can never lead out;
/// missing components are created one at a time relative to their parent's descriptor (mkdirat, openat O_CREAT|O_NOFOLLOW);
/// a mount then goes onto <c>/proc/self/fd/N</c> of the opened target (as runc does since its mount-race fixes), after
/// checking what the kernel says that descriptor names is inside the root. Nothing a container (or another one sharing a
/// volume) renames or links between the lookup and the mount can redirect it.
/// </summary>
internal sealed class RootfsHandle : IDisposable
{
    private const ulong Resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    private readonly int fd;

    /// <summary>The root's path as the kernel names it (symlinks in the bundle path resolved).</summary>
    public string RealPath { get; }

    public RootfsHandle(string rootfs)
    {
        fd = Check(open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC, 0), $"open rootfs {rootfs}");
        RealPath = FdPath(fd);
    }

    /// <summary>An open mount point: <see cref="Path"/> is its /proc/self/fd path, checked to lie inside the root.</summary>
    public readonly struct Target(int fd, string destination) : IDisposable
    {
        public int Fd { get; } = fd;
        public string Destination { get; } = destination;
        public string Path => $"/proc/self/fd/{Fd}";
        public void Dispose() => close(Fd);
    }

    /// <summary>
    /// Opens <paramref name="destination"/> (a path inside the container) for mounting on, creating what is missing:
    /// directories, and the last component as an empty file when <paramref name="file"/>. The final component is
    /// followed if it is a symlink, in scope.
    /// </summary>
    public Target Open(string destination, bool file = false) => Checked(OpenOrCreate(destination, file), destination);

    /// <summary>Opens <paramref name="path"/> inside the container (in scope, checked), creating nothing.</summary>
    public Target OpenExisting(string path) =>
        Checked(openat2(fd, string.Join('/', Clean(path)) is { Length: > 0 } p ? p : ".", O_PATH | O_CLOEXEC, Resolve) is var opened and >= 0
            ? opened : throw OpenFailed(path, Errno), path);

    private Target Checked(int target, string destination)
    {
        try
        {
            string real = FdPath(target);
            if (real != RealPath && !real.StartsWith(RealPath + "/", StringComparison.Ordinal))
                throw new InvalidSpecException($"mount destination {destination} resolves to {real}, outside the container's root {RealPath}: refused");
            return new Target(target, destination);
        }
        catch { close(target); throw; }
    }

    private int OpenOrCreate(string destination, bool file)
    {
        // Cleaned lexically first, as runc cleans a destination; ".." from symlink targets is left to the kernel.
        string current = string.Join('/', Clean(destination));
        for (int step = 0; step < 256; step++)
        {
            int opened = openat2(fd, current.Length == 0 ? "." : current, O_PATH | O_CLOEXEC, Resolve);
            if (opened >= 0) return opened;
            if (Errno != ENOENT) throw OpenFailed(destination, Errno);
            var parts = current.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var (parent, missing) = LongestExisting(parts, destination);
            try
            {
                string name = parts[missing], rest = string.Join('/', parts[(missing + 1)..]);
                if (ReadLinkAt(parent, name) is { } link)
                {
                    // A dangling symlink: go on through its target, which the next openat2 resolves in scope.
                    string from = link.StartsWith('/') ? "" : InRoot(FdPath(parent));
                    current = string.Join('/', new[] { from, link, rest }.SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)));
                    continue;
                }
                if (missing == parts.Length - 1 && file)
                {
                    int created = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0x1a4 /* 0644 */);
                    if (created < 0 && Errno != EEXIST) throw new Interop.SyscallException($"create mount point {destination}", Errno);
                    if (created >= 0) close(created);
                }
                else if (mkdirat(parent, name, 0x1ed /* 0755 */) != 0 && Errno != EEXIST)
                    throw new Interop.SyscallException($"mkdir {name} for mount point {destination}", Errno);
            }
            finally { close(parent); }
        }
        throw new Interop.SyscallException($"open {destination} in the container's root (too many symlinks)", ELOOP);
    }

    /// <summary>The deepest existing directory on the way to parts (opened), and the index of the first missing part.</summary>
    private (int Fd, int Missing) LongestExisting(string[] parts, string destination)
    {
        for (int k = parts.Length - 1; k > 0; k--)
        {
            int opened = openat2(fd, string.Join('/', parts[..k]), O_PATH | O_CLOEXEC, Resolve);
            if (opened >= 0) return (opened, k);
            if (Errno != ENOENT) throw OpenFailed(destination, Errno);
        }
        return (Check(openat2(fd, ".", O_PATH | O_CLOEXEC, Resolve), "open the container's root"), 0);
    }

    private static Interop.SyscallException OpenFailed(string path, int errno) => new(errno == ELOOP
        ? $"open {path} in the container's root (a symlink loop, or a link through a /proc magic link such as /proc/self/root, which is refused)"
        : $"open {path} in the container's root", errno);

    /// <summary>A host path under the root as a path inside it.</summary>
    private string InRoot(string real) =>
        real == RealPath ? "" : real.StartsWith(RealPath + "/", StringComparison.Ordinal) ? real[RealPath.Length..]
        : throw new InvalidSpecException($"{real} is outside the container's root {RealPath}: refused");

    private static string[] Clean(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return [.. parts];
    }

    /// <summary>What the kernel says an fd names (readlink of /proc/self/fd/N).</summary>
    public static string FdPath(int fd) =>
        ReadLinkAt(AT_FDCWD, $"/proc/self/fd/{fd}") ?? throw new Interop.SyscallException($"readlink /proc/self/fd/{fd}", Errno);

    public void Dispose() => close(fd);
}
