using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Networks.Ports;

namespace Containers.Engine.Tests.Networks;

/// <summary>Host ports as dockerd allocates them and Docker 28 reserves them, with real sockets on the host (no firewall).</summary>
public sealed class PortMapperTests : IDisposable
{
    private static readonly IPAddress ContainerIp = IPAddress.Parse("10.199.0.2");
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        _dir.Dispose();
    }

    /// <summary>A mapper whose dynamic range is <paramref name="count"/> ports above the kernel's (so no connection of the host uses them).</summary>
    private PortMapper NewMapper(out int first, int count = 3)
    {
        first = RandomNumberGenerator.GetInt32(61000, 65000);
        var file = Path.Combine(_dir.Path, $"range-{first}");
        File.WriteAllText(file, $"{first}\t{first + count - 1}\n");
        var mapper = new PortMapper(file);
        _owned.Add(mapper);
        return mapper;
    }

    private static IReadOnlyList<PortMapping> Map(PortMapper mapper, string id, params (string, string, string)[] bindings) =>
        mapper.Map(id, PortBindings.Publish(bindings), null, ContainerIp, "tbtest");

    /// <summary>A host process's listener, as a server holding the port would have it.</summary>
    private TcpListener Listen(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        _owned.Add(listener.Server);
        return listener;
    }

    private static bool CanBind(IPAddress address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try { socket.Bind(new IPEndPoint(address, port)); return true; }
        catch (SocketException) { return false; }
    }

    [Fact]
    public void Empty_host_ports_take_the_next_free_port_of_the_kernels_range_and_are_reserved_until_unmapped()
    {
        var kernel = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ').Select(int.Parse).ToArray();
        Assert.Equal((kernel[0], kernel[1]), new PortMapper().DynamicRange);

        var mapper = NewMapper(out var first);
        var one = Assert.Single(Map(mapper, "c1", ("80/tcp", "", "")));
        Assert.Equal((IPAddress.Any, first, 80, "tcp"), (one.HostIp, one.HostPort, one.ContainerPort, one.Protocol));
        Assert.False(CanBind(IPAddress.Any, first));
        Assert.False(CanBind(IPAddress.Loopback, first));

        var two = Assert.Single(Map(mapper, "c2", ("80", "", "")));
        Assert.Equal(first + 1, two.HostPort);
        mapper.Unmap("c1");
        Assert.True(CanBind(IPAddress.Any, first));
        // dockerd goes on after the last port it gave rather than back to the first free one.
        Assert.Equal(first + 2, Assert.Single(Map(mapper, "c3", ("80/tcp", "", ""))).HostPort);
        Assert.Equal(first, Assert.Single(Map(mapper, "c4", ("80/tcp", "", ""))).HostPort);
        Assert.Equal("all ports are allocated", Assert.Throws<PortMappingException>(() => Map(mapper, "c5", ("80/tcp", "", ""))).Message);
        Assert.Equal(3, mapper.Mappings.Count);
    }

    [Fact]
    public void A_port_held_by_a_host_process_is_passed_over_when_choosing_and_refused_when_asked_for()
    {
        var mapper = NewMapper(out var first);
        Listen(IPAddress.Loopback, first);

        Assert.Equal(first + 1, Assert.Single(Map(mapper, "c1", ("80/tcp", "", ""))).HostPort);
        var error = Assert.Throws<PortMappingException>(() => Map(mapper, "c2", ("81/tcp", "", $"{first + 2}"), ("82/tcp", "", $"{first}")));
        Assert.Equal($"failed to bind host port for 0.0.0.0:{first}:10.199.0.2:82/tcp: address already in use", error.Message);
        // All or nothing: the port the failed start had taken first is free again.
        Assert.True(CanBind(IPAddress.Any, first + 2));
        Assert.Empty(mapper.MappingsOf("c2"));
        Assert.Equal(
            $"failed to set up container networking: driver failed programming external connectivity on endpoint web (abc): failed to bind host port for 0.0.0.0:{first}:10.199.0.2:82/tcp: address already in use",
            error.ForEndpoint("web", "abc").Message);
    }

    [Fact]
    public void A_port_another_container_has_is_already_allocated_on_its_address_or_any()
    {
        var mapper = NewMapper(out var first);
        var port = $"{first}";
        Map(mapper, "c1", ("80/tcp", "127.0.0.1", port));

        Assert.Equal($"Bind for 0.0.0.0:{port} failed: port is already allocated",
            Assert.Throws<PortMappingException>(() => Map(mapper, "c2", ("80/tcp", "", port))).Message);
        Assert.Equal($"Bind for 127.0.0.1:{port} failed: port is already allocated",
            Assert.Throws<PortMappingException>(() => Map(mapper, "c2", ("8080/tcp", "127.0.0.1", port))).Message);
        // Another address, or the other protocol, is another port.
        Assert.Single(Map(mapper, "c2", ("80/tcp", "127.0.0.2", port)));
        Assert.Single(Map(mapper, "c3", ("80/udp", "127.0.0.1", port)));
        // A range takes its first free port.
        Assert.Equal(first + 1, Assert.Single(Map(mapper, "c4", ("80/tcp", "127.0.0.1", $"{first}-{first + 1}"))).HostPort);
    }

    [Fact]
    public void Publish_all_takes_a_port_for_each_exposed_port_without_a_binding()
    {
        var mapper = NewMapper(out var first, count: 10);
        var exposed = new Dictionary<string, EmptyObject> { ["80/tcp"] = new(), ["53/udp"] = new(), ["443/tcp"] = new() };
        var host = new HostConfig
        {
            PublishAllPorts = true,
            PortBindings = new() { ["443/tcp"] = [new PortBinding { HostIp = "127.0.0.1", HostPort = $"{first + 9}" }] },
        };
        var mappings = mapper.Map("c1", host, exposed, ContainerIp, "tbtest");

        Assert.Equal(["53/udp", "80/tcp", "443/tcp"], mappings.Select(m => m.Key));
        Assert.Equal([first, first, first + 9], mappings.Select(m => m.HostPort));
        Assert.Equal("127.0.0.1", mappings[2].HostIp.ToString());
    }

    [Fact]
    public void An_images_exposed_ports_join_the_requests_so_publish_all_takes_them()
    {
        var image = new Containers.Images.Manifests.ContainerConfig
        {
            Cmd = ["httpd"],
            ExposedPorts = new() { ["8080/tcp"] = default, ["53/udp"] = default },
        };
        var request = new ContainerCreateRequest { ExposedPorts = new() { ["9090/tcp"] = new() } };
        var (config, _, _) = Engine.Lifecycle.ContainerConfigMerger.Merge(request, image, "img", new string('c', 64));
        Assert.Equal(["53/udp", "8080/tcp", "9090/tcp"], config.ExposedPorts!.Keys.Order());

        var (imageOnly, _, _) = Engine.Lifecycle.ContainerConfigMerger.Merge(new ContainerCreateRequest(), image, "img", new string('c', 64));
        Assert.Equal(["53/udp", "8080/tcp"], imageOnly.ExposedPorts!.Keys.Order());
    }

    [Fact]
    public void Ports_are_shown_as_inspect_and_the_list_show_them()
    {
        var mappings = new List<PortMapping>
        {
            new("c", "tcp", IPAddress.Any, 32768, ContainerIp, 8080, "tb"),
            new("c", "tcp", IPAddress.Loopback, 18080, ContainerIp, 8080, "tb"),
        };
        var settings = PortViews.Settings(mappings, new Dictionary<string, EmptyObject> { ["8080/tcp"] = new(), ["53/udp"] = new() });

        Assert.Null(settings["53/udp"]);
        Assert.Equal(["0.0.0.0:32768", "127.0.0.1:18080"], settings["8080/tcp"]!.Select(b => $"{b.HostIp}:{b.HostPort}"));
        var rows = PortViews.List(settings);
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r is { IP: null, PublicPort: null, PrivatePort: 53, Type: "udp" });
        Assert.Contains(rows, r => r is { IP: "127.0.0.1", PublicPort: 18080, PrivatePort: 8080, Type: "tcp" });
        Assert.Contains(rows, r => r is { IP: "0.0.0.0", PublicPort: 32768, PrivatePort: 8080, Type: "tcp" });
    }

    [Theory]
    [InlineData("abc/tcp", "", "invalid port specification: \"abc\"")]
    [InlineData("0/tcp", "", "invalid port specification: \"0\"")]
    [InlineData("80/tcp", "70000", "invalid port specification: \"70000\"")]
    [InlineData("80/tcp", "90-80", "invalid port specification: \"90-80\"")]
    [InlineData("80/xyz", "", "invalid port specification: \"80/xyz\"")]
    public void Bad_port_bindings_are_refused_with_dockers_words(string key, string hostPort, string message)
    {
        var host = PortBindings.Publish((key, "", hostPort));
        Assert.Equal(message, Assert.Throws<InvalidParameterException>(() => PortSpecs.Validate(host)).Message);
    }

    [Fact]
    public void Restore_takes_the_recorded_ports_again()
    {
        var mapper = NewMapper(out var first);
        var recorded = new Dictionary<string, List<PortBinding>?>
        {
            ["80/tcp"] = [new PortBinding { HostIp = "0.0.0.0", HostPort = $"{first + 2}" }],
            ["81/tcp"] = null,
        };
        var mapping = Assert.Single(mapper.Restore("c1", recorded, ContainerIp, "tbtest"));
        Assert.Equal(first + 2, mapping.HostPort);
        Assert.False(CanBind(IPAddress.Any, first + 2));
        Assert.Equal($"Bind for 0.0.0.0:{first + 2} failed: port is already allocated",
            Assert.Throws<PortMappingException>(() => Map(mapper, "c2", ("80/tcp", "", $"{first + 2}"))).Message);
    }
}
