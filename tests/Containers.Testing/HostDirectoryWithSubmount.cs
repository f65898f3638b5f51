namespace Containers.Testing;

/// <summary>
/// A host directory holding top.txt and, on its "sub" directory, a tmpfs of its own holding inner.txt: what a read-only
/// bind must make read-only recursively ("rro") or leave writable below (plain "ro"). Disposing unmounts and removes it.
/// </summary>
public sealed class HostDirectoryWithSubmount : IDisposable
{
    private readonly TempDirectory directory = new();

    public string Path => directory.Path;

    public HostDirectoryWithSubmount()
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "top.txt"), "top");
        string sub = directory.Sub("sub");
        ProcessRunner.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", sub);
        File.WriteAllText(System.IO.Path.Combine(sub, "inner.txt"), "inner");
    }

    public void Dispose() => directory.Dispose();
}
