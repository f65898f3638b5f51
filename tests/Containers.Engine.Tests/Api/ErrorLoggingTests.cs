using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>
/// The caller's mistakes, what is not built (501) and what this engine's mode does not serve (503) are logged at debug
/// level with their message; they are not engine errors.
/// </summary>
public sealed class ErrorLoggingTests
{
    /// <summary>Sends each request, checks its status, then that each expected text is on a debug line and nothing is an error.</summary>
    private static async Task AssertLoggedAtDebugOnly((HttpMethod Method, string Path, int Status)[] requests, params string[] debugTexts)
    {
        await using var engine = await EngineProcess.StartAsync("--debug");
        foreach (var (method, path, status) in requests)
            Assert.Equal(status, (await RawHttp.SendAsync(engine.SocketPath, method, path)).Status);

        await Hosting.EngineStartupTests.WaitForAsync(() => Task.FromResult(debugTexts.All(engine.Output.Contains)));
        var lines = engine.Output.Split('\n');
        foreach (var text in debugTexts)
            Assert.Contains(lines, l => l.Contains("level=debug") && l.Contains(text));
        Assert.DoesNotContain(lines, l => l.Contains("level=error"));
    }

    [Fact]
    public Task Client_errors_are_debug_lines_not_errors() => AssertLoggedAtDebugOnly(
        [(HttpMethod.Get, "/volumes/nothing-here", 404), (HttpMethod.Get, "/containers/json?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D", 400)],
        "get nothing-here: no such volume", "invalid filter 'colour'");

    // Plugins stay unsupported (501), and this engine is never a swarm manager (503).
    [Fact]
    public Task Not_implemented_and_not_in_this_mode_are_debug_lines_not_errors() => AssertLoggedAtDebugOnly(
        [(HttpMethod.Post, "/plugins/pull?remote=vieux/sshfs", 501), (HttpMethod.Get, "/nodes", 503)],
        "501 plugins are not supported by this engine", "503 This node is not a swarm manager");
}
