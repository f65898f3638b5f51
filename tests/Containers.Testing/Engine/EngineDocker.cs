namespace Containers.Testing;

/// <summary>The docker CLI pointed at one test engine: commands that must succeed (trimmed output) or fail (their error).</summary>
public sealed class EngineDocker(EngineProcess engine)
{
    public string Host => "unix://" + engine.SocketPath;

    public async Task<string> Ok(params string[] args) => (await DockerCli.RunOkAsync(Host, args)).Trim();

    /// <summary>Runs a command that must fail; returns its standard error, trimmed.</summary>
    public async Task<string> Fails(params string[] args)
    {
        var (code, _, stderr) = await DockerCli.RunAsync(Host, args);
        Assert.NotEqual(0, code);
        return stderr.Trim();
    }

    public Task<string> Inspect(string container, string format) => Ok("inspect", "-f", format, container);
}
