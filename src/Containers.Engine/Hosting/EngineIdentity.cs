using System.Reflection;
using System.Runtime.InteropServices;
using Containers.Engine.Configuration;

namespace Containers.Engine.Hosting;

/// <summary>Who this engine is: its persistent ID, build version, and start-up warnings shown by <c>/info</c>.</summary>
public sealed class EngineIdentity
{
    public string Id { get; }
    public string Version { get; }
    public string GitCommit { get; }
    public string BuildTime { get; }
    public string RuntimeVersion { get; } = "dotnet" + Environment.Version;
    public List<string> Warnings { get; } = [];

    public EngineIdentity(EngineSettings settings)
    {
        var idFile = Path.Combine(settings.DataRoot, "engine-id");
        if (!File.Exists(idFile)) AtomicFile.WriteAllBytes(idFile, System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString()));
        Id = File.ReadAllText(idFile).Trim();

        var assembly = typeof(EngineIdentity).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        Version = plus < 0 ? informational : informational[..plus];
        GitCommit = plus < 0 ? "unknown" : informational[(plus + 1)..][..Math.Min(7, informational.Length - plus - 1)];
        BuildTime = File.GetLastWriteTimeUtc(assembly.Location).ToString("yyyy-MM-ddTHH:mm:ss.000000000+00:00");
    }

    public static string Describe() => $"containers-engine version {typeof(EngineIdentity).Assembly.GetName().Version} ({RuntimeInformation.FrameworkDescription})";
}
