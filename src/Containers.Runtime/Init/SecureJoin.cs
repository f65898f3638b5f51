namespace Containers.Runtime.Init;

/// <summary>
/// Resolves a path inside a root directory the way the kernel would after chroot: symlinks (absolute or with "..")
/// are followed but can never lead outside <c>root</c>. For reading the image's /etc/passwd and /etc/group; mount
/// targets are opened by descriptor instead (<see cref="RootfsHandle"/>), which no rename or link made meanwhile can redirect.
/// </summary>
public static class SecureJoin
{
    public static string Resolve(string root, string unsafePath)
    {
        root = Path.GetFullPath(root).TrimEnd('/');
        var pending = new Stack<string>(Enumerable.Reverse(unsafePath.Split('/', StringSplitOptions.RemoveEmptyEntries)));
        var resolved = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".") continue;
            if (part == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            string candidate = root + "/" + string.Join('/', resolved.Append(part));
            // LinkTarget is readlink(2): null when the entry is missing or not a symlink; dangling links are followed too.
            string? target = new FileInfo(candidate).LinkTarget;
            if (target is not null)
            {
                if (++links > 255) throw new IOException($"too many symlinks resolving {unsafePath} in {root}");
                if (target.StartsWith('/')) resolved.Clear();
                foreach (var t in Enumerable.Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries))) pending.Push(t);
                continue;
            }
            resolved.Add(part);
        }
        return resolved.Count == 0 ? root : root + "/" + string.Join('/', resolved);
    }
}
