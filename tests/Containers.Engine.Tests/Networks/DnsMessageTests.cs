using System.Net;
using Containers.Engine.Networks.Dns;
using Containers.Testing.Networking;

namespace Containers.Engine.Tests.Networks;

/// <summary>The resolver's DNS wire code and upstream servers from resolv.conf, checked against the tests' own wire code.</summary>
public sealed class DnsMessageTests
{
    [Fact]
    public void AQueryIsReadWithItsQuestionAndEdnsSize()
    {
        var query = DnsQuery.Read(DnsWire.Query(0x1234, "Web.App.", DnsWire.Aaaa, ednsSize: 1232), out _, out var error);
        Assert.Equal(DnsRcode.NoError, error);
        Assert.NotNull(query);
        Assert.Equal(0x1234, query.Id);
        Assert.True(query.RecursionDesired);
        Assert.Equal(new DnsQuestion("Web.App", DnsType.Aaaa, DnsType.ClassIn), query.Question with { WireName = [] });
        Assert.Equal(1232, query.UdpPayloadSize);
        Assert.Equal(512, DnsQuery.Read(DnsWire.Query(1, "web", DnsWire.A), out _, out _)!.UdpPayloadSize);
        Assert.Equal("web.app", DnsName.Normalize(query.Question.Name + "."));
    }

    [Fact]
    public void ResponsesAndTruncatedOrMalformedQueriesAreNotAnswered()
    {
        var reply = DnsWire.Answer(DnsWire.Query(5, "web", DnsWire.A), 0, false, IPAddress.Parse("10.0.0.1"));
        Assert.Null(DnsQuery.Read(reply, out _, out var error));
        Assert.Equal(DnsRcode.NoError, error); // a response is dropped, never answered
        Assert.Null(DnsQuery.Read(new byte[5], out _, out error));
        Assert.Equal(DnsRcode.NoError, error);

        var cut = DnsWire.Query(6, "web.app", DnsWire.A)[..15];
        Assert.Null(DnsQuery.Read(cut, out var id, out error));
        Assert.Equal(DnsRcode.FormatError, error);
        Assert.Equal(6, id);
        var formErr = DnsWire.Read(DnsResponse.HeaderOnly(id, error));
        Assert.Equal((6, 1), (formErr.Id, formErr.Rcode));

        var notQuery = DnsWire.Query(7, "web", DnsWire.A);
        notQuery[2] |= 2 << 3; // opcode STATUS
        Assert.Null(DnsQuery.Read(notQuery, out _, out error));
        Assert.Equal(DnsRcode.NotImplemented, error);
    }

    [Fact]
    public void CompressionPointersAreFollowedOnlyBackwards()
    {
        // Offset 12: "example.test"; offset 26: "www" then a pointer to offset 12.
        byte[] message = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            7, (byte)'e', (byte)'x', (byte)'a', (byte)'m', (byte)'p', (byte)'l', (byte)'e', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0,
            3, (byte)'w', (byte)'w', (byte)'w', 0xC0, 12,
            0xC0, 34]; // offset 32: a pointer to itself
        var offset = 26;
        var wire = new List<byte>();
        Assert.True(DnsName.TryRead(message, ref offset, out var name, wire));
        Assert.Equal("www.example.test", name);
        Assert.Equal(32, offset); // just after the first pointer
        Assert.Equal(18, wire.Count); // uncompressed: 3www 7example 4test 0
        offset = 32;
        Assert.False(DnsName.TryRead(message, ref offset, out _));
        message[33] = 40; // a pointer forwards, past the end
        offset = 32;
        Assert.False(DnsName.TryRead(message, ref offset, out _));
    }

    [Fact]
    public void AnswersEchoTheQueryAndTruncateToTheLimit()
    {
        var query = DnsQuery.Read(DnsWire.Query(0xBEEF, "Web", DnsWire.A), out _, out _)!;
        var response = new DnsResponse(query);
        for (var i = 0; i < 40; i++) response.AddAddress(new IPAddress([10, 0, 0, (byte)i]));
        var full = response.ToBytes(65535, udp: false);
        var reply = DnsWire.Read(full);
        Assert.Equal((0xBEEF, 0, false, 40), (reply.Id, reply.Rcode, reply.Truncated, reply.Addresses.Count));
        Assert.Equal("Web", DnsWire.QuestionName(full)); // the question exactly as asked
        Assert.Equal((byte)0x81, full[2]); // QR, RD copied
        Assert.Equal((byte)0x80, full[3]); // RA

        var udp = response.ToBytes(512, udp: true);
        Assert.True(udp.Length <= 512);
        var cut = DnsWire.Read(udp);
        Assert.True(cut.Truncated);
        Assert.Equal((512 - 12 - 9) / 16, cut.Addresses.Count); // header, question "Web" (9 bytes), 16 bytes per A record
        var tcpCut = DnsWire.Read(response.ToBytes(300, udp: false));
        Assert.False(tcpCut.Truncated);

        var servfail = DnsWire.Read(new DnsResponse(query, DnsRcode.ServerFailure).ToBytes(512, udp: true));
        Assert.Equal((2, 0), (servfail.Rcode, servfail.Answers.Count));
    }

    [Fact]
    public void ReverseNamesGiveTheirAddress()
    {
        Assert.Equal(IPAddress.Parse("10.99.0.2"), DnsName.ParseReverse("2.0.99.10.IN-ADDR.ARPA."));
        Assert.Null(DnsName.ParseReverse("0.99.10.in-addr.arpa"));
        Assert.Null(DnsName.ParseReverse("256.0.99.10.in-addr.arpa"));
        Assert.Null(DnsName.ParseReverse("02.0.99.10.in-addr.arpa"));
        Assert.Null(DnsName.ParseReverse("web.app"));
    }

    [Fact]
    public void UpstreamsAreTheHostsNonLoopbackNameserversAtMostThree()
    {
        var upstreams = DnsUpstreams.Parse("""
            # comment
            nameserver 127.0.0.53
            nameserver 10.1.1.1 # trailing comment
            nameserver ::1
            search corp.example
            nameserver fd00::53
            nameserver not-an-address
            nameserver 10.2.2.2
            nameserver 10.3.3.3
            """);
        Assert.Equal(["10.1.1.1:53", "[fd00::53]:53", "10.2.2.2:53"], upstreams.Select(u => u.ToString()));
        Assert.Empty(DnsUpstreams.Parse("nameserver 127.0.0.1\n"));
    }
}
