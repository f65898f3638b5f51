namespace Containers.Snapshots;

/// <summary>
/// Performs mount specs. Overlay options name layers relative to a working directory, so the mount is made on a
/// dedicated thread that first unshares its filesystem context (CLONE_FS): its chdir changes no other thread's cwd.
/// </summary>
public static class Mounter
{
    private const ulong MsRdonly = 1, MsRemount = 32, MsBind = 4096, MsRec = 16384;
    private const int MntDetach = 2;

    public static void Mount(IReadOnlyList<MountSpec> mounts, string target)
    {
        foreach (var m in mounts) MountOne(m, target);
    }

    public static void Unmount(string target) => Native.Unmount(target, MntDetach);

    private static void MountOne(MountSpec m, string target)
    {
        if (m.Type == "bind")
        {
            var flags = MsBind | (m.Options.Contains("rbind") ? MsRec : 0);
            Native.Mount(m.Source, target, "", flags, null);
            if (m.Options.Contains("ro")) Native.Mount("", target, "", MsBind | MsRemount | MsRdonly | flags, null);
            return;
        }
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Native.UnshareFs();
                if (m.WorkingDirectory is not null) Native.ChangeDirectory(m.WorkingDirectory);
                Native.Mount(m.Source, target, m.Type, 0, string.Join(',', m.Options));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new IOException($"mounting {m.Type} on {target} failed: {failure.Message}", failure);
    }
}
