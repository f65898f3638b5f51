using System.Formats.Tar;

namespace Containers.Snapshots.Tests;

/// <summary>Crafted tars that try to reach outside the snapshot: each is refused (or contained) and nothing outside changes.</summary>
public sealed class LayerApplierSecurityTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private string Root => _scratch.Sub("root");
    private string Outside => _scratch.Sub("outside");

    private Task<LayerApplyResult> Apply(Layer layer, bool allowDevices = true) =>
        new LayerApplier(Root, WhiteoutMode.Overlay, allowDevices: allowDevices).ApplyAsync(layer.Stream());

    private void AssertOutsideUntouched() => Assert.Empty(Directory.EnumerateFileSystemEntries(Outside));

    [Fact]
    public async Task Dot_dot_components_are_refused_naming_the_entry()
    {
        var e = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().File("a/../../outside/pwned", "x")));
        Assert.Equal("entry \"a/../../outside/pwned\" contains a \"..\" component", e.Message);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task Absolute_names_are_refused()
    {
        var e = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().File(Outside + "/pwned", "x")));
        Assert.Contains("is an absolute path", e.Message);
        AssertOutsideUntouched();
    }

    [Fact]
    public async Task A_symlink_pointing_outside_is_followed_inside_the_snapshot_only()
    {
        await Apply(new Layer().Symlink("escape", Outside).File("escape/pwned", "x").Symlink("rel", "../../../../../../" + Outside).File("rel/pwned2", "y"));
        AssertOutsideUntouched();
        // Resolved as the container would see them: under the snapshot's root.
        Assert.Equal("x", File.ReadAllText(Path.Combine(Root, Outside.TrimStart('/'), "pwned")));
        Assert.Equal("y", File.ReadAllText(Path.Combine(Root, Outside.TrimStart('/'), "pwned2")));
    }

    [Fact]
    public async Task A_hardlink_to_a_path_outside_is_refused()
    {
        File.WriteAllText(Path.Combine(Outside, "secret"), "s");
        var e1 = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().HardLink("steal", Outside + "/secret")));
        Assert.Contains("hard link target of \"steal\"", e1.Message);
        var e2 = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().HardLink("steal2", "../outside/secret")));
        Assert.Contains("\"..\"", e2.Message);
        Assert.False(File.Exists(Path.Combine(Root, "steal")));
        Assert.Equal(1u, Native.LStat(Path.Combine(Outside, "secret"))!.Value.Links);
    }

    [Fact]
    public async Task A_hardlink_through_a_symlink_stays_inside()
    {
        File.WriteAllText(Path.Combine(Outside, "secret"), "s");
        var e = await Assert.ThrowsAsync<LayerApplyException>(() =>
            Apply(new Layer().Symlink("link", Outside).HardLink("steal", "link/secret")));
        Assert.Contains("does not exist in this layer or below", e.Message);
        Assert.Equal(1u, Native.LStat(Path.Combine(Outside, "secret"))!.Value.Links);
    }

    [Fact]
    public async Task A_symlink_replaced_by_a_directory_never_redirects_later_entries()
    {
        await Apply(new Layer().Symlink("d", Outside).Dir("d").File("d/x", "inside"));
        AssertOutsideUntouched();
        Assert.Equal(Native.SIfDir, Native.LStat(Path.Combine(Root, "d"))!.Value.Type);
        Assert.Equal("inside", File.ReadAllText(Path.Combine(Root, "d", "x")));
    }

    [Fact]
    public async Task Device_nodes_are_refused_where_not_allowed()
    {
        var e = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().CharDevice("dev/mem", 1, 1), allowDevices: false));
        Assert.Equal("entry \"dev/mem\" is a device node, which this layer may not create", e.Message);
        Assert.False(File.Exists(Path.Combine(Root, "dev", "mem")));
    }

    [Fact]
    public async Task A_huge_sparse_claim_is_refused()
    {
        // GNU tar writes a 10 GB sparse file as a few kilobytes claiming the full size: refused, nothing written.
        var source = _scratch.Sub("sparse");
        using (var f = File.Create(Path.Combine(source, "huge"))) f.SetLength(10L << 30);
        var tarPath = Path.Combine(_scratch.Path, "sparse.tar");
        ProcessRunner.Run("tar", "--sparse", "--format=gnu", "-C", source, "-cf", tarPath, "huge");
        Assert.True(new FileInfo(tarPath).Length < 1 << 20);

        await using var stream = File.OpenRead(tarPath);
        var e = await Assert.ThrowsAsync<LayerApplyException>(() => new LayerApplier(Root, WhiteoutMode.Overlay).ApplyAsync(stream));
        Assert.StartsWith("entry 1 of the layer", e.Message);
        Assert.Contains("SparseFile", e.Message);
        Assert.False(File.Exists(Path.Combine(Root, "huge")));
    }

    [Fact]
    public async Task A_malformed_whiteout_is_refused()
    {
        var e = await Assert.ThrowsAsync<LayerApplyException>(() => Apply(new Layer().File("a/.wh.", "")));
        Assert.Contains("malformed whiteout", e.Message);
    }

    public void Dispose() => _scratch.Dispose();
}
