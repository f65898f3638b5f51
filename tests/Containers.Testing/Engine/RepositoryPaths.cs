namespace Containers.Testing;

/// <summary>Finds the repository and the built engine from the test assembly's location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The engine built alongside these tests (same configuration: Debug or Release).</summary>
    public static string EngineDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(Root, "src", "Containers.Engine", "bin", configuration, "net10.0", "containers-engine.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the engine is not built", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Containers.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Containers.sln not found above " + AppContext.BaseDirectory);
    }
}
