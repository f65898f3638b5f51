using System.Security.Cryptography;

namespace Containers.Snapshots.Tests;

/// <summary>Overlay and native snapshotters with real mounts: layer content, whiteouts, sharing, container isolation.</summary>
public sealed class SnapshotterTests : IDisposable
{
    private readonly Scratch _scratch = new();

    private static async Task Commit(Snapshotter s, string chain, string? parent, Layer layer) =>
        await s.CommitLayerAsync(chain, parent, layer.Stream());

    private string MountView(Snapshotter s, string key, string? parent)
    {
        var target = _scratch.Sub("mnt-" + key);
        Mounter.Mount(parent is null ? s.Prepare(key, null) : s.Prepare(key, parent), target);
        return target;
    }

    public static TheoryData<string> Drivers => new() { "overlay", "native" };

    private Snapshotter Create(string driver) => driver == "overlay"
        ? new OverlaySnapshotter(_scratch.Sub("overlay"))
        : new NativeSnapshotter(_scratch.Sub("native"));

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Files_modes_owners_links_devices_xattrs_and_times_survive(string driver)
    {
        var s = Create(driver);
        await Commit(s, "L1", null, new Layer()
            .Dir("etc", 0x1ED).File("etc/conf", "hello", 0x1A4, uid: 1000, gid: 1001)
            .File("bin/su", "suid", 0x9ED /* 04755 */).Dir("tmp", 0x3FF /* 01777 */)
            .Symlink("etc/link", "conf").HardLink("etc/hard", "etc/conf")
            .CharDevice("dev/null", 1, 3).Fifo("run/pipe")
            .File("bin/ping", "cap", pax: new() { ["SCHILY.xattr.user.test"] = "value" }));
        var root = MountView(s, "c1", "L1");

        var conf = Native.LStat(Path.Combine(root, "etc/conf"))!.Value;
        Assert.Equal((1000, 1001, 0x1A4u), (conf.Uid, conf.Gid, conf.Mode & 0xFFF));
        Assert.Equal(Layer.Time, conf.Modified);
        Assert.Equal(0x9EDu, Native.LStat(Path.Combine(root, "bin/su"))!.Value.Mode & 0xFFF);
        Assert.Equal(0x3FFu, Native.LStat(Path.Combine(root, "tmp"))!.Value.Mode & 0xFFF);
        Assert.Equal(Layer.Time, Native.LStat(Path.Combine(root, "etc"))!.Value.Modified);
        Assert.Equal("conf", new FileInfo(Path.Combine(root, "etc/link")).LinkTarget);
        Assert.Equal(conf.Inode, Native.LStat(Path.Combine(root, "etc/hard"))!.Value.Inode);
        Assert.Equal(2u, conf.Links);
        var dev = Native.LStat(Path.Combine(root, "dev/null"))!.Value;
        Assert.Equal((Native.SIfChr, 1L, 3L), (dev.Type, dev.RdevMajor, dev.RdevMinor));
        Assert.Equal(Native.SIfIfo, Native.LStat(Path.Combine(root, "run/pipe"))!.Value.Type);
        Assert.Equal("value"u8.ToArray(), Native.GetXattr(Path.Combine(root, "bin/ping"), "user.test"));
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Whiteouts_and_opaque_directories_give_the_right_merged_view(string driver)
    {
        var s = Create(driver);
        await Commit(s, "L1", null, new Layer().File("a/keep", "1").File("a/gone", "2").File("b/old1", "3").File("b/old2", "4"));
        await Commit(s, "L2", "L1", new Layer().File("a/.wh.gone", "").Dir("b").File("b/.wh..wh..opq", "").File("b/new", "5"));
        var root = MountView(s, "c1", "L2");
        Assert.True(File.Exists(Path.Combine(root, "a/keep")));
        Assert.False(File.Exists(Path.Combine(root, "a/gone")));
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Combine(root, "b")).Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_hardlink_to_a_lower_layers_file_works(string driver)
    {
        var s = Create(driver);
        await Commit(s, "L1", null, new Layer().File("usr/bin/tool", "binary", 0x1ED));
        await Commit(s, "L2", "L1", new Layer().HardLink("usr/bin/alias", "usr/bin/tool"));
        var root = MountView(s, "c1", "L2");
        Assert.Equal("binary", File.ReadAllText(Path.Combine(root, "usr/bin/alias")));
        Assert.Equal(0x1EDu, Native.LStat(Path.Combine(root, "usr/bin/alias"))!.Value.Mode & 0xFFF);
    }

    [Fact]
    public async Task Two_images_with_a_common_base_store_it_once()
    {
        var s = new OverlaySnapshotter(_scratch.Sub("shared"));
        var baseLayer = new Layer().File("base", "b").Bytes();
        await s.CommitLayerAsync("base", null, new MemoryStream(baseLayer));
        await s.CommitLayerAsync("base", null, new MemoryStream(baseLayer)); // second image, same chain ID
        await Commit(s, "app1", "base", new Layer().File("one", "1"));
        await Commit(s, "app2", "base", new Layer().File("two", "2"));
        Assert.Single(s.List(), i => i.Key == "base");
        Assert.Equal(3, Directory.EnumerateDirectories(Path.Combine(s.Root, "snapshots")).Count());
    }

    [Fact]
    public async Task Concurrent_commits_of_one_layer_apply_it_once()
    {
        var s = new OverlaySnapshotter(_scratch.Sub("concurrent"));
        var tar = new Layer().File("f", new string('x', 100000)).Bytes();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => s.CommitLayerAsync("L", null, new MemoryStream(tar))));
        Assert.All(results, r => Assert.Equal(results[0].Id, r.Id));
        Assert.Single(s.List());
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_containers_writes_never_reach_the_image_layers(string driver)
    {
        var s = Create(driver);
        await Commit(s, "L1", null, new Layer().File("etc/conf", "original"));
        var root = MountView(s, "c1", "L1");
        File.WriteAllText(Path.Combine(root, "etc/conf"), "changed");
        File.WriteAllText(Path.Combine(root, "new"), "new");
        File.Delete(Path.Combine(root, "etc/conf"));
        var other = MountView(s, "c2", "L1");
        Assert.Equal("original", File.ReadAllText(Path.Combine(other, "etc/conf")));
        Assert.False(File.Exists(Path.Combine(other, "new")));
    }

    [Fact]
    public async Task A_120_layer_image_mounts()
    {
        var s = new OverlaySnapshotter(_scratch.Sub("tall"));
        string? parent = null;
        for (var i = 0; i < 120; i++)
        {
            await Commit(s, $"chain-{i}", parent, new Layer().File($"layer{i:D3}", i.ToString()));
            parent = $"chain-{i}";
        }
        var root = MountView(s, "c", parent);
        Assert.Equal(120, Directory.EnumerateFiles(root).Count());
        Assert.Equal("0", File.ReadAllText(Path.Combine(root, "layer000")));
        Assert.Equal("119", File.ReadAllText(Path.Combine(root, "layer119")));
        var view = _scratch.Sub("view");
        Mounter.Mount(s.View("v", parent!), view);
        Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(view, "x"), "read-only"));
    }

    [Fact]
    public async Task The_diff_of_a_container_is_a_deterministic_layer_with_whiteouts()
    {
        async Task<(byte[] Tar, string Digest)> ChangeAndDiff(string dir)
        {
            var s = new OverlaySnapshotter(_scratch.Sub(dir));
            await Commit(s, "L1", null, new Layer().File("a/x", "1").File("a/y", "2").File("d/old", "3"));
            var root = MountView(s, dir + "-c", "L1");
            File.WriteAllText(Path.Combine(root, "a/x"), "changed");
            File.Delete(Path.Combine(root, "a/y"));
            Directory.Delete(Path.Combine(root, "d"), recursive: true);
            Directory.CreateDirectory(Path.Combine(root, "d"));
            File.WriteAllText(Path.Combine(root, "d/new"), "n");
            Native.SetXattr(Path.Combine(root, "d/new"), "user.origin", "container"u8);
            foreach (var f in new[] { "a/x", "d/new" }) Native.SetTimes(Path.Combine(root, f), Layer.Time);
            foreach (var d in new[] { "a", "d" }) Native.SetTimes(Path.Combine(root, d), Layer.Time);
            using var output = new MemoryStream();
            await LayerDiff.WriteAsync(s.UpperDirectory(dir + "-c"), output);
            var bytes = output.ToArray();
            return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        var first = await ChangeAndDiff("d1");
        var second = await ChangeAndDiff("d2");
        Assert.Equal(first.Digest, second.Digest);

        var names = new List<string>();
        var reader = new System.Formats.Tar.TarReader(new MemoryStream(first.Tar));
        while (reader.GetNextEntry() is { } e) names.Add(e.Name);
        Assert.Contains("a/x", names);
        Assert.Contains("a/.wh.y", names);
        Assert.Contains("d/.wh..wh..opq", names);
        Assert.Contains("d/new", names);

        // The diff applied on the same base reproduces the container's view.
        var check = new OverlaySnapshotter(_scratch.Sub("check"));
        await Commit(check, "L1", null, new Layer().File("a/x", "1").File("a/y", "2").File("d/old", "3"));
        await check.CommitLayerAsync("L2", "L1", new MemoryStream(first.Tar));
        var merged = MountView(check, "c", "L2");
        Assert.Equal("changed", File.ReadAllText(Path.Combine(merged, "a/x")));
        Assert.False(File.Exists(Path.Combine(merged, "a/y")));
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Combine(merged, "d")).Select(Path.GetFileName));
        Assert.Equal("container"u8.ToArray(), Native.GetXattr(Path.Combine(merged, "d/new"), "user.origin"));
    }

    [Fact]
    public async Task Garbage_collection_keeps_what_is_referenced_used_or_leased()
    {
        var s = new OverlaySnapshotter(_scratch.Sub("gc"));
        await Commit(s, "base", null, new Layer().File("b", "b"));
        await Commit(s, "kept", "base", new Layer().File("k", "k"));
        await Commit(s, "orphan", "base", new Layer().File("o", "o"));
        await Commit(s, "leased", null, new Layer().File("l", "l"));
        await Commit(s, "used", null, new Layer().File("u", "u"));
        s.Prepare("container", "used");
        using (s.Lease("leased"))
        {
            var removed = s.GarbageCollect(["kept"]);
            Assert.Equal(["orphan"], removed);
        }
        Assert.Equal(["leased"], s.GarbageCollect(["kept"]));
        Assert.True(s.Exists("base") && s.Exists("kept") && s.Exists("used") && s.Exists("container"));
    }

    [Fact]
    public async Task A_failed_apply_commits_nothing_and_crash_leftovers_are_removed_on_open()
    {
        var dir = _scratch.Sub("crash");
        var s = new OverlaySnapshotter(dir);
        await Assert.ThrowsAsync<LayerApplyException>(() => Commit(s, "bad", null, new Layer().File("ok", "1").File("../escape", "2")));
        Assert.False(s.Exists("bad"));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(dir, "snapshots")));

        // What SIGKILL in the middle of an unpack leaves: a temporary directory the table does not name.
        Directory.CreateDirectory(Path.Combine(dir, "snapshots", "77.tmp", "fs", "half"));
        Directory.CreateDirectory(Path.Combine(dir, "snapshots", "78", "fs"));
        var reopened = new OverlaySnapshotter(dir);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(dir, "snapshots")));
        await Commit(reopened, "good", null, new Layer().File("ok", "1"));
        Assert.True(reopened.Exists("good"));
    }

    [Fact]
    public void The_factory_picks_overlay_where_it_works()
    {
        var logged = new List<string>();
        var s = SnapshotterFactory.Create(_scratch.Sub("factory"), null, logged.Add);
        Assert.Equal("overlayfs", s.Driver);
        Assert.Empty(logged);
        Assert.Equal("native", SnapshotterFactory.Create(_scratch.Sub("factory2"), "native", logged.Add).Driver);
    }

    [Fact]
    public async Task Usage_counts_bytes_and_inodes()
    {
        var s = new OverlaySnapshotter(_scratch.Sub("usage"));
        await s.CommitLayerAsync("L", null, new Layer().File("a", new string('x', 10000)).File("b", "y").Stream());
        var usage = s.Usage("L");
        Assert.Equal(3, usage.Inodes); // the fs directory and two files
        Assert.InRange(usage.Bytes, 10000, 64 * 1024);
    }

    public void Dispose() => _scratch.Dispose();
}
