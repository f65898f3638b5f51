namespace Containers.Snapshots;

/// <summary>
/// Resolves paths inside a root directory the way the container will see them: symlinks are followed relative to the
/// root (an absolute target means root + target, and ".." never climbs above the root), so no resolution can reach
/// anything outside it. This is what keeps a layer's symlinks from redirecting later entries out of the snapshot.
/// </summary>
internal static class ScopedPath
{
    private const int MaxSymlinks = 40;

    /// <summary>
    /// Splits a tar entry name into clean components. Absolute names and ".." components are refused: a layer has no
    /// business naming anything but paths inside itself.
    /// </summary>
    public static string[] Components(string entryName, string what)
    {
        if (entryName.StartsWith('/')) throw new LayerApplyException($"{what} \"{entryName}\" is an absolute path");
        var parts = entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains("..")) throw new LayerApplyException($"{what} \"{entryName}\" contains a \"..\" component");
        if (parts.Any(p => p.Contains('\0'))) throw new LayerApplyException($"{what} \"{entryName}\" contains a NUL byte");
        return parts;
    }

    /// <summary>
    /// The real directory path of <paramref name="components"/> under <paramref name="root"/>, following symlinks in scope.
    /// Missing directories are created when <paramref name="create"/> is set; a component that is not a directory is an error.
    /// </summary>
    public static string ResolveDirectory(string root, IReadOnlyList<string> components, bool create, string entryName) =>
        Resolve(root, components, create, entryName, finalMayBeFile: false);

    /// <summary>
    /// The real path of <paramref name="components"/> under <paramref name="root"/> with every symlink followed in scope,
    /// the last component's too; the result may be a file. Null when a component does not exist (a broken link) or a
    /// component before the last is not a directory. Nothing is created.
    /// </summary>
    public static string? TryResolve(string root, IReadOnlyList<string> components)
    {
        try
        {
            return Resolve(root, components, create: false, "", finalMayBeFile: true);
        }
        catch (LayerApplyException)
        {
            return null;
        }
    }

    private static string Resolve(string root, IReadOnlyList<string> components, bool create, string entryName, bool finalMayBeFile)
    {
        var current = new List<string>();
        var pending = new Stack<string>(components.Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "." || part.Length == 0) continue;
            if (part == "..")
            {
                if (current.Count > 0) current.RemoveAt(current.Count - 1);
                continue;
            }
            var candidate = Join(root, current, part);
            var stat = Native.LStat(candidate);
            if (stat is null)
            {
                if (!create) throw new LayerApplyException($"entry \"{entryName}\": parent directory {string.Join('/', current.Append(part))} does not exist");
                Directory.CreateDirectory(candidate);
                current.Add(part);
                continue;
            }
            if (stat.Value.Type == Native.SIfLnk)
            {
                if (++links > MaxSymlinks) throw new LayerApplyException($"entry \"{entryName}\": too many levels of symbolic links");
                var linkText = new FileInfo(candidate).LinkTarget ?? "";
                if (linkText.StartsWith('/')) current.Clear();
                foreach (var p in linkText.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse()) pending.Push(p);
                continue;
            }
            if (stat.Value.Type != Native.SIfDir)
            {
                if (finalMayBeFile && pending.Count == 0) return Join(root, current, part);
                throw new LayerApplyException($"entry \"{entryName}\": {string.Join('/', current.Append(part))} is not a directory");
            }
            current.Add(part);
        }
        return current.Count == 0 ? root : Path.Combine([root, .. current]);
    }

    private static string Join(string root, List<string> current, string part) => Path.Combine([root, .. current, part]);
}
