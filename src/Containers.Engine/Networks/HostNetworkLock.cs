namespace Containers.Engine.Networks;

/// <summary>
/// The host-wide lock held around "pick a free subnet, then make its bridge" (flock on
/// <c>/run/containers-engine-ipam.lock</c>), so two engines starting or creating networks at once never pick the same
/// subnet: the second sees the first's bridge route. The kernel releases it if the engine dies.
/// </summary>
public static class HostNetworkLock
{
    public const string Path = "/run/containers-engine-ipam.lock";

    public static IDisposable Acquire()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                // .NET takes flock(LOCK_EX | LOCK_NB) for FileShare.None on Unix.
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
    }
}
