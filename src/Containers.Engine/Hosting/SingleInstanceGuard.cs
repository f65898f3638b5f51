using System.Net.Sockets;
using Containers.Engine.Configuration;

namespace Containers.Engine.Hosting;

/// <summary>
/// Makes sure one engine owns a data-root and its sockets: an exclusive lock on data-root/engine.lock
/// (flock, released by the kernel when the process dies, so a crash leaves no stale lock), a refusal
/// when a socket path answers (a live engine), and removal of socket files that nobody answers on.
/// </summary>
public sealed class SingleInstanceGuard : IDisposable
{
    private readonly FileStream _lock;
    private readonly string? _pidFile;
    private readonly List<string> _socketPaths;

    private SingleInstanceGuard(FileStream lockFile, string? pidFile, List<string> socketPaths)
    {
        _lock = lockFile;
        _pidFile = pidFile;
        _socketPaths = socketPaths;
    }

    public static SingleInstanceGuard Acquire(EngineSettings settings, IEnumerable<ListenAddress> addresses)
    {
        Directory.CreateDirectory(settings.DataRoot);
        Directory.CreateDirectory(settings.ExecRoot);
        FileStream lockFile;
        try
        {
            // .NET takes flock(LOCK_EX | LOCK_NB) for FileShare.None on Unix.
            lockFile = new FileStream(settings.LockFilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = TryRead(settings.LockFilePath);
            throw new EngineStartupException(
                $"another engine is already running with data-root {settings.DataRoot}" +
                (owner is null ? "" : $" (pid {owner})") + $": lock {settings.LockFilePath} is held");
        }

        try
        {
            lockFile.SetLength(0);
            var pid = Environment.ProcessId.ToString();
            lockFile.Write(System.Text.Encoding.ASCII.GetBytes(pid));
            lockFile.Flush(flushToDisk: true);

            var sockets = addresses.Where(a => a.IsUnix).Select(a => a.SocketPath!).ToList();
            foreach (var path in sockets) ClaimSocketPath(path);

            if (settings.PidFile is { } pidFile)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
                File.WriteAllText(pidFile, pid + "\n");
            }
            return new SingleInstanceGuard(lockFile, settings.PidFile, sockets);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>A socket file that accepts a connection belongs to a live engine; one that refuses is a crash leftover.</summary>
    private static void ClaimSocketPath(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path)) return;
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new EngineStartupException($"socket {path} is in use by a running engine; stop it or choose another -H unix:///path");
            }
            catch (SocketException)
            {
                // Nobody listens: a stale socket from a crashed engine.
            }
        }
        if (!Interop.Libc.IsSocket(path))
            throw new EngineStartupException($"{path} exists and is not a socket; refusing to replace it");
        File.Delete(path);
    }

    private static string? TryRead(string path) => Interop.Libc.ReadSmallFileWithoutLock(path)?.Trim() is { Length: > 0 } pid ? pid : null;

    public void Dispose()
    {
        foreach (var path in _socketPaths)
        {
            try { File.Delete(path); } catch (IOException) { }
        }
        if (_pidFile is not null)
        {
            try { File.Delete(_pidFile); } catch (IOException) { }
        }
        _lock.Dispose();
    }
}
