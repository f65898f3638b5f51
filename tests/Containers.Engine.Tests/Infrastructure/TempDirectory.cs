namespace Containers.Engine.Tests.Infrastructure;

/// <summary>A fresh directory under /tmp for one test, removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Create();

    public static string Create()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ce-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static implicit operator string(TempDirectory d) => d.Path;

    public void Dispose() => Delete(Path);
}
