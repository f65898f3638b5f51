using System.Text.Json;
using Containers.Engine.Tests.Infrastructure;

namespace Containers.Engine.Tests.Api;

/// <summary>/_ping, /version, /info and API versioning, over the real socket.</summary>
public sealed class SystemApiTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private EngineProcess Engine => fixture.Engine;

    [Theory]
    [InlineData("/_ping")]
    [InlineData("/v1.47/_ping")]
    [InlineData("/v1.24/_ping")]
    public async Task Ping_answers_OK_with_Dockers_headers(string path)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, path);
        Assert.Equal(200, r.Status);
        Assert.Equal("OK", r.Body);
        Assert.Equal("1.47", r.Headers["Api-Version"]);
        Assert.Equal("linux", r.Headers["Ostype"]);
        Assert.Equal("false", r.Headers["Docker-Experimental"]);
        Assert.Contains("no-cache", r.Headers["Cache-Control"]);
    }

    [Fact]
    public async Task Head_ping_has_headers_and_no_body()
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Head, "/_ping");
        Assert.Equal(200, r.Status);
        Assert.Equal("", r.Body);
        Assert.Equal("1.47", r.Headers["Api-Version"]);
        Assert.Equal("0", r.Headers["Content-Length"]);
    }

    [Fact]
    public async Task Version_lists_the_engine_component_and_api_range()
    {
        using var client = Engine.CreateClient();
        var v = await client.GetVersionAsync();
        Assert.Equal("1.47", v.ApiVersion);
        Assert.Equal("1.24", v.MinAPIVersion);
        Assert.Equal("linux", v.Os);
        Assert.Equal("amd64", v.Arch);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), v.KernelVersion);
        var engine = Assert.Single(v.Components);
        Assert.Equal("Engine", engine.Name);
        Assert.Equal(v.Version, engine.Version);
        Assert.Equal("1.24", engine.Details!["MinAPIVersion"]);
    }

    [Fact]
    public async Task Info_reports_the_host_and_the_engines_settings()
    {
        using var client = Engine.CreateClient();
        var info = await client.GetInfoAsync();
        Assert.Equal(Engine.DataRoot, info.DockerRootDir);
        Assert.Equal(Environment.ProcessorCount, info.NCPU);
        Assert.InRange(info.MemTotal, 1L << 28, 1L << 42);
        Assert.Equal("linux", info.OSType);
        Assert.Equal("x86_64", info.Architecture);
        Assert.Contains("Debian", info.OperatingSystem);
        Assert.Equal("cgroupfs", info.CgroupDriver);
        Assert.Equal(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", info.CgroupVersion);
        Assert.Equal("json-file", info.LoggingDriver);
        Assert.Equal(0, info.Containers);
        Assert.Equal(0, info.Images);
        Assert.NotEmpty(info.ID);
        Assert.Contains("127.0.0.0/8", info.RegistryConfig.InsecureRegistryCIDRs);
        Assert.True(info.RegistryConfig.IndexConfigs["docker.io"].Official);
        Assert.True(info.NFd > 0);
    }

    [Fact]
    public async Task The_engine_id_is_stable_across_restarts()
    {
        using var dir = new TempDirectory();
        string first;
        await using (var engine = await EngineProcess.StartInAsync(dir.Path + "/e", []))
        {
            using var client = engine.CreateClient();
            first = (await client.GetInfoAsync()).ID;
        }
        await using var again = await EngineProcess.StartInAsync(dir.Path + "/e", []);
        using var client2 = again.CreateClient();
        Assert.Equal(first, (await client2.GetInfoAsync()).ID);
    }

    [Fact]
    public async Task A_too_new_api_version_gets_Dockers_400()
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, "/v1.99/version");
        Assert.Equal(400, r.Status);
        Assert.Equal("client version 1.99 is too new. Maximum supported API version is 1.47", Message(r));
    }

    [Fact]
    public async Task A_too_old_api_version_gets_Dockers_400()
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, HttpMethod.Get, "/v1.23/info");
        Assert.Equal(400, r.Status);
        Assert.StartsWith("client version 1.23 is too old. Minimum supported API version is 1.24", Message(r));
    }

    [Theory]
    [InlineData("GET", "/no/such/route", "page not found: GET /no/such/route")]
    [InlineData("GET", "/v1.47/containers/x/bogus", "page not found: GET /v1.47/containers/x/bogus")]
    [InlineData("DELETE", "/version", "page not found: DELETE /version")]
    public async Task Unknown_routes_get_a_404_naming_the_path(string method, string path, string message)
    {
        var r = await RawHttp.SendAsync(Engine.SocketPath, new HttpMethod(method), path);
        Assert.Equal(404, r.Status);
        Assert.Equal(message, Message(r));
        Assert.Equal("application/json", r.Headers["Content-Type"]); // exactly: the docker CLI parses nothing else
    }

    internal static string Message(RawHttp.Response r)
    {
        using var doc = JsonDocument.Parse(r.Body);
        return doc.RootElement.GetProperty("message").GetString()!;
    }
}
