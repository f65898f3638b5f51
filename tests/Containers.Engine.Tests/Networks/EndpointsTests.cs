using System.Net;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Networks;

namespace Containers.Engine.Tests.Networks;

/// <summary>The address allocations and name lookups of live endpoints, in-process.</summary>
public sealed class EndpointsTests
{
    private static readonly NetworkPool Pool = NetworkPool.Of(new Network
    {
        IPAM = new NetworkIpam { Config = [new IpamConfig { Subnet = "10.1.2.0/24", Gateway = "10.1.2.1" }] },
    })!;

    private static ContainerEndpoint Allocate(Endpoints endpoints, string network, string container, string name, uint? requested = null,
        params string[] aliases) =>
        endpoints.Allocate(network, Pool, requested, address => new ContainerEndpoint(container, name, network, "e", address, 24, Pool.Gateway,
            ContainerNetworking.MacOf(address), "eth0", ContainerNetworking.HostVethName(container, network), aliases));

    [Fact]
    public void Addresses_are_the_lowest_free_past_the_gateway_and_come_back_when_released()
    {
        var endpoints = new Endpoints();
        Assert.Equal("10.1.2.2", Ipam.Format(Allocate(endpoints, "n1", "c1", "one").Address));
        Assert.Equal("10.1.2.3", Ipam.Format(Allocate(endpoints, "n1", "c2", "two").Address));
        Assert.Equal("10.1.2.2", Ipam.Format(Allocate(endpoints, "n2", "c3", "three").Address)); // another network, another pool
        endpoints.Release("n1", "c1");
        Assert.Equal("10.1.2.2", Ipam.Format(Allocate(endpoints, "n1", "c4", "four").Address));
        Assert.Equal("Address already in use",
            Assert.Throws<ForbiddenException>(() => Allocate(endpoints, "n1", "c5", "five", Ipam.TryParseAddress("10.1.2.3"))).Message);
        Assert.Equal("02:42:0a:01:02:03", ContainerNetworking.MacOf(Ipam.TryParseAddress("10.1.2.3")!.Value));
        Assert.Matches("^veth[0-9a-f]{7}$", ContainerNetworking.HostVethName("c1", "n1"));
    }

    [Fact]
    public void A_name_alias_or_short_id_resolves_on_the_networks_the_asking_container_shares()
    {
        var endpoints = new Endpoints();
        var web = Allocate(endpoints, "app", "aaaaaaaaaaaa1111", "web", null, "www");
        Allocate(endpoints, "app", "bbbbbbbbbbbb2222", "client");
        Allocate(endpoints, "other", "cccccccccccc3333", "web"); // the same name on a network the client is not on
        Assert.Equal([web.IPAddress], endpoints.Lookup("app", "web"));
        Assert.Equal([web.IPAddress], endpoints.LookupFor("bbbbbbbbbbbb2222", "WWW", _ => true));
        Assert.Equal([web.IPAddress], endpoints.LookupFor("bbbbbbbbbbbb2222", "aaaaaaaaaaaa", _ => true));
        Assert.Empty(endpoints.LookupFor("bbbbbbbbbbbb2222", "aaaa", _ => true));
        Assert.Empty(endpoints.LookupFor("bbbbbbbbbbbb2222", "web", network => network != "app"));
        Assert.Equal(IPAddress.Parse("10.1.2.2"), web.IPAddress);
    }
}
