using System.Diagnostics;

namespace Containers.Engine.Tests.Infrastructure;

/// <summary>Runs the real docker CLI against an engine, with a private config dir so the host's settings don't leak in.</summary>
public static class DockerCli
{
    public const string Path = "/usr/local/bin/docker";

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string host, params string[] arguments) =>
        RunWithConfigAsync(null, host, arguments);

    /// <summary>Runs the CLI, asserts it succeeded, and returns its standard output.</summary>
    public static async Task<string> RunOkAsync(string host, params string[] arguments)
    {
        var (code, stdout, stderr) = await RunAsync(host, arguments);
        Assert.True(code == 0, $"docker {string.Join(' ', arguments)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Runs the CLI with a given config directory (kept between calls, e.g. for docker login), or a throwaway one.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithConfigAsync(string? configDirectory, string host, params string[] arguments)
    {
        var configDir = configDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ce-docker-config-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(configDir);
        try
        {
            var start = new ProcessStartInfo(File.Exists(Path) ? Path : "docker")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("--config");
            start.ArgumentList.Add(configDir);
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add(host);
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            start.Environment.Remove("DOCKER_HOST");
            start.Environment.Remove("DOCKER_CONTEXT");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (configDirectory is null) Directory.Delete(configDir, recursive: true);
        }
    }
}
