using Containers.Api;
using Containers.Engine.Networks;

namespace Containers.Engine.Tests.Networks;

/// <summary>The address pools chosen against a host's routing table (a /proc/net/route file) and other networks.</summary>
public sealed class IpamTests
{
    // /proc/net/route's format: destination and mask as little-endian hex. Here: a default route, 172.17.0.0/16 (a
    // docker0 beside us), 172.18.5.0/24, and 192.0.2.0/24.
    private const string RouteTable =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
        "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
        "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n" +
        "br1\t000512AC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
        "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

    [Fact]
    public void Host_routes_are_read_without_the_default_route_and_their_subnets_are_skipped()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir, "route");
        File.WriteAllText(file, RouteTable);
        var routes = Ipam.HostRoutes(file);
        Assert.Equal(["172.17.0.0/16", "172.18.5.0/24", "192.0.2.0/24"], routes.Select(r => r.ToString()));

        var taken = new[] { Ipv4Prefix.TryParse("172.19.0.0/16")!.Value };
        var config = Assert.Single(Ipam.Allocate(null, taken, routes));
        Assert.Equal(("172.20.0.0/16", "172.20.0.1"), (config.Subnet, config.Gateway));
    }

    [Fact]
    public void After_the_172_pools_come_192_168_slash_20s()
    {
        var taken = Ipam.DefaultPools.Take(15).ToList();
        Assert.All(taken, p => Assert.Equal(16, p.Bits));
        var config = Assert.Single(Ipam.Allocate(null, taken, []));
        Assert.Equal(("192.168.0.0/20", "192.168.0.1"), (config.Subnet, config.Gateway));
    }

    [Fact]
    public void A_given_subnet_gets_its_first_address_as_gateway_and_several_problems_are_listed()
    {
        var config = Assert.Single(Ipam.Allocate([new IpamConfig { Subnet = "10.1.2.0/24" }], [], []));
        Assert.Equal("10.1.2.1", config.Gateway);
        var e = Assert.Throws<Errors.InvalidParameterException>(() => Ipam.Validate(
            [new IpamConfig { Subnet = "10.1.2.0/24", IPRange = "10.1.0.0/16", Gateway = "nope" }]));
        Assert.Equal("invalid network config:\n* invalid ip-range 10.1.0.0/16: parent subnet 10.1.2.0/24 doesn't contain ip-range 10.1.0.0/16\n"
            + "* invalid gateway nope: invalid address", e.Message);
    }
}
