using Containers.Engine.Archive;
using Containers.Interop;

namespace Containers.Engine.Tests.Archive;

/// <summary>
/// What keeps a copy inside a container when its processes swap directories for symlinks while the copy runs: a
/// directory reached through <see cref="DirectoryHandle"/> is opened one component at a time without following a
/// symlink, so a path that resolved to directories but holds a symlink by the time it is used is refused.
/// </summary>
public sealed class DirectoryHandleTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TempDirectory _outside = new();

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public void A_directory_is_opened_and_its_entries_are_reached_through_the_descriptor()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a", "b"));
        File.WriteAllText(Path.Combine(_root, "a", "b", "f"), "inside");
        using var handle = DirectoryHandle.Open(_root, Path.Combine(_root, "a", "b"));
        Assert.Equal("inside", File.ReadAllText(handle.PathOf("f")));
        Assert.StartsWith("/proc/self/fd/", handle.Path);
    }

    [Fact]
    public void A_component_that_became_a_symlink_is_refused_rather_than_followed()
    {
        File.WriteAllText(Path.Combine(_outside, "secret"), "host");
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        Directory.Delete(Path.Combine(_root, "a")); // "a" was a directory when resolved; now it leads out
        File.CreateSymbolicLink(Path.Combine(_root, "a"), _outside);
        Assert.Throws<SyscallException>(() => DirectoryHandle.Open(_root, Path.Combine(_root, "a")));
    }

    [Fact]
    public void Chmod_never_follows_a_symlink()
    {
        var secret = Path.Combine(_outside, "secret");
        File.WriteAllText(secret, "host");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead);
        File.CreateSymbolicLink(Path.Combine(_root, "link"), secret);
        using var handle = DirectoryHandle.Open(_root, _root);
        try { handle.Chmod("link", 0x1FF); } catch (SyscallException) { } // Linux refuses a symlink's mode: either way the target keeps its own
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(secret));
    }

    [Fact]
    public void A_path_outside_the_root_is_refused()
    {
        Assert.Throws<IOException>(() => DirectoryHandle.Open(_root, _outside));
    }
}
