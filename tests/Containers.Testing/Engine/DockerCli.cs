namespace Containers.Testing;

/// <summary>Runs the real docker CLI against an engine, with a private config dir so the host's settings don't leak in.</summary>
public static class DockerCli
{
    public const string Path = "/usr/local/bin/docker";

    /// <summary>A container or object name no other test uses: <paramref name="prefix"/> and six random hex digits.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

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
        var configDir = configDirectory ?? TempDirectory.Create();
        Directory.CreateDirectory(configDir);
        try
        {
            var result = await ProcessRunner.RunAsync(File.Exists(Path) ? Path : "docker", ["--config", configDir, "-H", host, .. arguments],
                new Dictionary<string, string?> { ["DOCKER_HOST"] = null, ["DOCKER_CONTEXT"] = null }, TimeSpan.FromSeconds(60));
            return (result.ExitCode, result.Stdout, result.Stderr);
        }
        finally
        {
            if (configDirectory is null) TempDirectory.Delete(configDir);
        }
    }

    /// <summary>Runs the CLI with <paramref name="input"/> on its standard input (then closed), as a pipe into docker would.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string host, string input, params string[] arguments)
    {
        var config = TempDirectory.Create();
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(File.Exists(Path) ? Path : "docker")
                { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in (string[])["--config", config, "-H", host, .. arguments]) start.ArgumentList.Add(a);
            start.Environment.Remove("DOCKER_HOST");
            start.Environment.Remove("DOCKER_CONTEXT");
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally { TempDirectory.Delete(config); }
    }
}
