namespace Containers.Snapshots;

/// <summary>Picks the snapshotter for a data-root: the configured one, else overlay when a real test mount works there, else native.</summary>
public static class SnapshotterFactory
{
    public static Snapshotter Create(string dataRoot, string? storageDriver, Action<string> log)
    {
        switch (storageDriver)
        {
            case "native" or "vfs":
                return new NativeSnapshotter(Path.Combine(dataRoot, "snapshots", "native"));
            case "overlay" or "overlay2" or "overlayfs":
                if (ProbeOverlay(dataRoot) is { } reason) throw new InvalidOperationException($"storage-driver overlayfs cannot be used on {dataRoot}: {reason}");
                return new OverlaySnapshotter(Path.Combine(dataRoot, "snapshots", "overlayfs"));
        }
        if (ProbeOverlay(dataRoot) is { } why)
        {
            log($"overlayfs cannot be used on {dataRoot} ({why}); using the native (copying) snapshotter");
            return new NativeSnapshotter(Path.Combine(dataRoot, "snapshots", "native"));
        }
        return new OverlaySnapshotter(Path.Combine(dataRoot, "snapshots", "overlayfs"));
    }

    /// <summary>Null when an overlay with a lower, upper and work directory mounts in <paramref name="dataRoot"/>; else why not.</summary>
    public static string? ProbeOverlay(string dataRoot)
    {
        var probe = Path.Combine(dataRoot, "overlay-probe-" + Environment.ProcessId);
        try
        {
            foreach (var d in new[] { "lower", "upper", "work", "merged" }) Directory.CreateDirectory(Path.Combine(probe, d));
            Mounter.Mount([new MountSpec("overlay", "overlay", ["lowerdir=lower", "upperdir=upper", "workdir=work"], probe)], Path.Combine(probe, "merged"));
            Mounter.Unmount(Path.Combine(probe, "merged"));
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
        finally
        {
            try { Directory.Delete(probe, recursive: true); } catch (IOException) { }
        }
    }
}
