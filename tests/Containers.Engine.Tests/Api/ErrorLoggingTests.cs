using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>The caller's mistakes are logged at debug level with their message; they are not engine errors.</summary>
public sealed class ErrorLoggingTests
{
    [Fact]
    public async Task Client_errors_are_debug_lines_not_errors()
    {
        await using var engine = await EngineProcess.StartAsync("--debug");
        var missing = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Get, "/volumes/nothing-here");
        Assert.Equal(404, missing.Status);
        var bad = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Get, "/containers/json?filters=%7B%22colour%22%3A%5B%22x%22%5D%7D");
        Assert.Equal(400, bad.Status);

        await Hosting.EngineStartupTests.WaitForAsync(() => Task.FromResult(engine.Output.Contains("invalid filter 'colour'")));
        var lines = engine.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("level=debug") && l.Contains("get nothing-here: no such volume"));
        Assert.Contains(lines, l => l.Contains("level=debug") && l.Contains("invalid filter 'colour'"));
        Assert.DoesNotContain(lines, l => l.Contains("level=error"));
    }

    [Fact]
    public async Task Not_implemented_and_not_in_this_mode_are_debug_lines_not_errors()
    {
        await using var engine = await EngineProcess.StartAsync("--debug");
        // Plugins stay unsupported (501), and this engine is never a swarm manager (503).
        var pull = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Post, "/plugins/pull?remote=vieux/sshfs");
        Assert.Equal(501, pull.Status);
        var nodes = await RawHttp.SendAsync(engine.SocketPath, HttpMethod.Get, "/nodes");
        Assert.Equal(503, nodes.Status);

        await Hosting.EngineStartupTests.WaitForAsync(() => Task.FromResult(engine.Output.Contains("This node is not a swarm manager")));
        var lines = engine.Output.Split('\n');
        Assert.Contains(lines, l => l.Contains("level=debug") && l.Contains("501 plugins are not supported by this engine"));
        Assert.Contains(lines, l => l.Contains("level=debug") && l.Contains("503 This node is not a swarm manager"));
        Assert.DoesNotContain(lines, l => l.Contains("level=error"));
    }
}
