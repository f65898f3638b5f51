using System.Net;
using System.Net.Sockets;
using Containers.Engine.Networks.Dns;
using Containers.Testing.Networking;

namespace Containers.Engine.Tests.Networks;

/// <summary>
/// The embedded resolver alone, without the engine's bridges: each test makes a network namespace of its own (loopback
/// only), starts the resolver in it, and asks it through busybox nslookup run inside the namespace or through sockets
/// made there. Names it does not know go to a fake upstream server on the host's 127.0.0.1, never a real resolver.
/// </summary>
public sealed class EmbeddedDnsTests : IDisposable
{
    private static readonly IPAddress Web = IPAddress.Parse("10.99.0.2"), Db = IPAddress.Parse("10.99.0.3"),
        Outside = IPAddress.Parse("192.0.2.55");

    private readonly TestNetns _netns = new();
    private readonly FakeUpstreamDns _upstream = new(new Dictionary<string, IPAddress> { ["outside.test"] = Outside });
    private readonly EmbeddedDns _dns;

    public EmbeddedDnsTests()
    {
        _dns = new EmbeddedDns(() => [_upstream.Endpoint], TimeSpan.FromSeconds(2));
    }

    public void Dispose()
    {
        _dns.Dispose();
        _upstream.Dispose();
        _netns.Dispose();
    }

    internal static IReadOnlyList<IPAddress> Lookup(string name) => name switch
    {
        "web" or "0123456789ab" => [Web],
        "db" or "database" => [Db],
        "many" => Enumerable.Range(1, 100).Select(i => new IPAddress([10, 99, 1, (byte)i])).ToList(),
        _ => [],
    };

    private static string? Reverse(IPAddress address) => address.Equals(Web) ? "web.app" : null;

    private void Start(string id = "c1") => _dns.Start(id, _netns.Path, Lookup, Reverse);

    private async Task<string> NslookupAsync(params string[] args)
    {
        var result = await _netns.ExecAsync(["/usr/bin/busybox", "nslookup", .. args, EmbeddedDns.Address]);
        return result.Stdout + result.Stderr;
    }

    /// <summary>A query over UDP from a socket inside the namespace.</summary>
    private async Task<DnsWire.Reply> AskUdpAsync(string name, ushort type, ushort? ednsSize = null)
    {
        using var socket = _netns.CreateSocket(SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(EmbeddedDns.Endpoint);
        var id = (ushort)Random.Shared.Next(1, 65535);
        await socket.SendAsync(DnsWire.Query(id, name, type, ednsSize));
        var buffer = new byte[65535];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token);
        var reply = DnsWire.Read(buffer[..length]);
        Assert.Equal(id, reply.Id);
        LastUdpLength = length;
        return reply;
    }

    private int LastUdpLength { get; set; }

    [Fact]
    public async Task NamesAliasesAndShortIdsResolveInsideTheNamespace()
    {
        Start();
        foreach (var (name, address) in new[] { ("web", Web), ("WEB.", Web), ("Web.", Web), ("db", Db), ("database", Db), ("0123456789ab", Web) })
        {
            var output = await NslookupAsync(name);
            Assert.Contains($"Address: {address}", output);
        }
        Assert.Empty(_upstream.Asked);
    }

    [Fact]
    public async Task UnknownNamesAreForwardedAndTheUpstreamAnswerPassesThrough()
    {
        Start();
        Assert.Contains($"Address: {Outside}", await NslookupAsync("outside.test"));
        Assert.Contains("udp:outside.test", _upstream.Asked);

        // The fake's authoritative NXDOMAIN comes back as it is.
        var missing = await AskUdpAsync("missing.test", DnsWire.A);
        Assert.Equal(3, missing.Rcode);
        Assert.True(missing.Authoritative);
    }

    [Fact]
    public async Task WithoutAnUpstreamServerUnknownNamesGetServfail()
    {
        using var dns = new EmbeddedDns(() => [], TimeSpan.FromSeconds(2));
        dns.Start("c1", _netns.Path, Lookup);
        Assert.Equal(2, (await AskUdpAsync("outside.test", DnsWire.A)).Rcode);
        Assert.Contains("SERVFAIL", await NslookupAsync("outside.test"));
        // Known names are still answered.
        Assert.Equal([Web], (await AskUdpAsync("web", DnsWire.A)).Addresses);
    }

    [Fact]
    public async Task AnUpstreamThatNeverAnswersGivesServfailAfterItsTimeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var dns = new EmbeddedDns(() => [(IPEndPoint)silent.LocalEndPoint!], TimeSpan.FromMilliseconds(300));
        dns.Start("c1", _netns.Path, Lookup);
        Assert.Equal(2, (await AskUdpAsync("outside.test", DnsWire.A)).Rcode);
        Assert.True(silent.Available > 0, "the query reached the silent server");
    }

    [Fact]
    public async Task AaaaOfAKnownNameIsAnEmptyAnswerAndIsNotForwarded()
    {
        Start();
        var reply = await AskUdpAsync("web", DnsWire.Aaaa);
        Assert.Equal(0, reply.Rcode);
        Assert.Empty(reply.Answers);
        Assert.Empty(_upstream.Asked);
    }

    [Fact]
    public async Task PtrOfAKnownAddressNamesItAndOthersAreForwarded()
    {
        Start();
        Assert.Contains("name = web.app", await NslookupAsync("10.99.0.2"));
        var reply = await AskUdpAsync("2.0.99.10.in-addr.arpa.", DnsWire.Ptr);
        Assert.Equal(DnsWire.Ptr, Assert.Single(reply.Answers).Type);

        var unknown = await AskUdpAsync("9.0.99.10.in-addr.arpa", DnsWire.Ptr);
        Assert.Equal(3, unknown.Rcode);
        Assert.Contains("udp:9.0.99.10.in-addr.arpa", _upstream.Asked);
    }

    [Fact]
    public async Task TcpQueriesAreAnsweredAndForwardedOverTcp()
    {
        Start();
        using var socket = _netns.CreateSocket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(EmbeddedDns.Endpoint);
        await using var stream = new NetworkStream(socket);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // Two queries on one connection: a known name, then one the upstream answers over TCP.
        await DnsTcp.WriteAsync(stream, DnsWire.Query(7, "web", DnsWire.A), guard.Token);
        var known = DnsWire.Read((await DnsTcp.ReadAsync(stream, guard.Token))!);
        Assert.Equal([Web], known.Addresses);
        await DnsTcp.WriteAsync(stream, DnsWire.Query(8, "outside.test", DnsWire.A), guard.Token);
        var forwarded = DnsWire.Read((await DnsTcp.ReadAsync(stream, guard.Token))!);
        Assert.Equal(8, forwarded.Id);
        Assert.Equal([Outside], forwarded.Addresses);
        Assert.Contains("tcp:outside.test", _upstream.Asked);
    }

    [Fact]
    public async Task UdpAnswersLargerThanTheClientTakesAreTruncatedWithTheTcBit()
    {
        Start();
        var classic = await AskUdpAsync("many", DnsWire.A);
        Assert.True(classic.Truncated);
        Assert.True(LastUdpLength <= 512, $"{LastUdpLength} bytes over UDP");
        Assert.InRange(classic.Addresses.Count, 1, 99);

        // A client advertising a larger UDP size (EDNS) gets them all, as does one asking over TCP.
        var edns = await AskUdpAsync("many", DnsWire.A, ednsSize: 4096);
        Assert.False(edns.Truncated);
        Assert.Equal(100, edns.Addresses.Count);
        using var socket = _netns.CreateSocket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(EmbeddedDns.Endpoint);
        await using var stream = new NetworkStream(socket);
        await DnsTcp.WriteAsync(stream, DnsWire.Query(9, "many", DnsWire.A), CancellationToken.None);
        var tcp = DnsWire.Read((await DnsTcp.ReadAsync(stream, CancellationToken.None))!);
        Assert.False(tcp.Truncated);
        Assert.Equal(100, tcp.Addresses.Count);
    }

    [Fact]
    public async Task StartingAgainReplacesTheResolverAndAMissingNamespaceFails()
    {
        Start();
        _dns.Start("c1", _netns.Path, name => name == "again" ? [Db] : []);
        Assert.Equal([Db], (await AskUdpAsync("again", DnsWire.A)).Addresses);
        Assert.Equal(3, (await AskUdpAsync("web", DnsWire.A)).Rcode); // forwarded now: the fake's NXDOMAIN

        Assert.ThrowsAny<IOException>(() => _dns.Start("c2", "/run/netns/ctdns-does-not-exist", Lookup));
        Assert.False(_dns.IsRunning("c2"));
    }
}

/// <summary>Counts the test process's descriptors, so it runs alone (no other test opens sockets meanwhile).</summary>
[CollectionDefinition(nameof(EmbeddedDnsLeakTests), DisableParallelization = true)]
public sealed class EmbeddedDnsLeakTestsCollection;

[Collection(nameof(EmbeddedDnsLeakTests))]
public sealed class EmbeddedDnsLeakTests
{
    private static int Sockets() => new DirectoryInfo("/proc/self/fd").GetFiles()
        .Count(f => f.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    [Fact]
    public async Task StopClosesTheSocketsEvenWhenTheNamespaceIsGone()
    {
        using var upstream = new FakeUpstreamDns(new Dictionary<string, IPAddress>());
        using var dns = new EmbeddedDns(() => [upstream.Endpoint]);
        const int cycles = 8;
        var before = -1;
        for (var i = 0; i <= cycles; i++)
        {
            var netns = new TestNetns();
            try
            {
                dns.Start("c" + i, netns.Path, EmbeddedDnsTests.Lookup);
                var output = (await netns.ExecAsync("/usr/bin/busybox", "nslookup", "web", EmbeddedDns.Address)).Stdout;
                Assert.Contains("Address: 10.99.0.2", output);
                using (var tcp = netns.CreateSocket(SocketType.Stream, ProtocolType.Tcp))
                    await tcp.ConnectAsync(EmbeddedDns.Endpoint); // an accepted connection, closed by Stop if not before
                if (i % 2 == 0)
                {
                    dns.Stop("c" + i);
                    // The address is free again inside the namespace: nothing holds 127.0.0.11:53 there any more.
                    foreach (var (type, protocol) in new[] { (SocketType.Dgram, ProtocolType.Udp), (SocketType.Stream, ProtocolType.Tcp) })
                    {
                        using var probe = netns.CreateSocket(type, protocol);
                        probe.Bind(EmbeddedDns.Endpoint);
                    }
                }
            }
            finally { netns.Dispose(); }
            // Odd cycles: the namespace was deleted first (as when a container dies); Stop still closes everything.
            if (i % 2 == 1) dns.Stop("c" + i);
            Assert.False(dns.IsRunning("c" + i));
            if (i == 0) before = Sockets(); // after one warm-up cycle: the runtime's own lazily made descriptors
        }
        // A leak would add at least two sockets (UDP and TCP) per cycle.
        await Poll.UntilAsync(() => Task.FromResult(Sockets() - before < cycles), $"socket descriptors back near {before}");
    }
}
