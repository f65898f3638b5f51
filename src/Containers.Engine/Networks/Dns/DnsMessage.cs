using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Containers.Engine.Networks.Dns;

/// <summary>The DNS record types and classes the embedded resolver answers itself (RFC 1035, RFC 3596, RFC 6891).</summary>
public static class DnsType
{
    public const ushort A = 1, Ptr = 12, Mx = 15, Aaaa = 28, Opt = 41;
    public const ushort ClassIn = 1;
}

/// <summary>Response codes (RFC 1035 4.1.1).</summary>
public enum DnsRcode : byte { NoError = 0, FormatError = 1, ServerFailure = 2, NameError = 3, NotImplemented = 4, Refused = 5 }

/// <summary>The question of a query: its name as sent (dots, no trailing dot, case kept), type and class.</summary>
public sealed record DnsQuestion(string Name, ushort Type, ushort Class)
{
    /// <summary>The name in wire form, uncompressed, exactly as asked (echoed in the reply's question section).</summary>
    public byte[] WireName { get; init; } = [];
}

/// <summary>
/// A query as the resolver reads it (RFC 1035 4.1): the header fields it needs, its one question, and the UDP payload
/// size the client advertised in an EDNS OPT record (RFC 6891 6.2.3; 512 without one).
/// </summary>
public sealed record DnsQuery(ushort Id, byte Opcode, bool RecursionDesired, DnsQuestion Question, int UdpPayloadSize)
{
    public const int HeaderLength = 12, ClassicUdpLimit = 512;

    /// <summary>
    /// Reads a query. Returns null when the bytes are not a query to answer at all (shorter than a header, or a
    /// response); a query whose question cannot be read gets <paramref name="error"/> = FORMERR (its ID is in
    /// <paramref name="id"/> for the reply), one with another opcode NOTIMP.
    /// </summary>
    public static DnsQuery? Read(ReadOnlySpan<byte> message, out ushort id, out DnsRcode error)
    {
        error = DnsRcode.NoError;
        id = 0;
        if (message.Length < HeaderLength) return null;
        id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) != 0) return null; // QR set: a response, never answered (no reflection loops)
        var opcode = (byte)((flags >> 11) & 0xF);
        if (opcode != 0) { error = DnsRcode.NotImplemented; return null; }
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var authorities = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var additionals = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        error = DnsRcode.FormatError;
        if (questions != 1) return null;
        var offset = HeaderLength;
        var wire = new List<byte>();
        if (!DnsName.TryRead(message, ref offset, out var name, wire) || offset + 4 > message.Length) return null;
        var question = new DnsQuestion(name, BinaryPrimitives.ReadUInt16BigEndian(message[offset..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..])) { WireName = wire.ToArray() };
        offset += 4;
        // Only the OPT record of the additional section matters here; the others are skipped.
        var udpSize = ClassicUdpLimit;
        for (var i = 0; i < answers + authorities + additionals; i++)
        {
            if (!DnsName.TryRead(message, ref offset, out _) || offset + 10 > message.Length) return null;
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var cls = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10 + length;
            if (offset > message.Length) return null;
            if (type == DnsType.Opt && i >= answers + authorities) udpSize = Math.Max(ClassicUdpLimit, (int)cls);
        }
        error = DnsRcode.NoError;
        return new DnsQuery(id, opcode, (flags & 0x0100) != 0, question, udpSize);
    }
}

/// <summary>The header fields of an upstream server's response the forwarder checks before passing it on unchanged.</summary>
public readonly record struct DnsResponseHeader(ushort Id, bool Authoritative, bool Truncated, DnsRcode Rcode)
{
    /// <summary>Reads a response's header; null when the bytes are not a DNS response.</summary>
    public static DnsResponseHeader? Read(ReadOnlySpan<byte> message)
    {
        if (message.Length < DnsQuery.HeaderLength) return null;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0) return null;
        return new DnsResponseHeader(BinaryPrimitives.ReadUInt16BigEndian(message), (flags & 0x0400) != 0,
            (flags & 0x0200) != 0, (DnsRcode)(flags & 0xF));
    }
}

/// <summary>Domain names in wire format (RFC 1035 3.1, 4.1.4): length-prefixed labels, compression pointers when reading.</summary>
public static class DnsName
{
    public const int MaxLength = 255, MaxLabel = 63;

    /// <summary>
    /// Reads the name at <paramref name="offset"/> (advanced past it: past the first pointer when compressed).
    /// Pointers must point backwards, so a loop cannot be built; labels and the whole name are length-checked. The
    /// text escapes dots, backslashes and non-printable bytes inside labels as \DDD; <paramref name="wire"/>, when
    /// given, receives the name uncompressed.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> message, ref int offset, out string name, List<byte>? wire = null)
    {
        name = "";
        var text = new StringBuilder();
        var position = offset;
        var end = -1; // where the caller resumes: after the first pointer, or after the terminating zero
        var wireLength = 1;
        while (true)
        {
            if (position >= message.Length) return false;
            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length) return false;
                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (target >= position) return false; // forward or self pointer: refuse, no loops
                if (end < 0) end = position + 2;
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0) return false; // 0x40/0x80: extended label types, obsolete
            if (length == 0) { position++; wire?.Add(0); break; }
            if (position + 1 + length > message.Length) return false;
            wireLength += length + 1;
            if (wireLength > MaxLength) return false;
            if (text.Length > 0) text.Append('.');
            if (wire is not null) foreach (var b in message.Slice(position, 1 + length)) wire.Add(b);
            foreach (var b in message.Slice(position + 1, length))
                text.Append(b is (byte)'.' or (byte)'\\' || b < 0x21 || b > 0x7E ? $"\\{b:D3}" : (char)b);
            position += 1 + length;
        }
        offset = end >= 0 ? end : position;
        name = text.ToString();
        return true;
    }

    /// <summary>Writes a name (dotted, a trailing dot allowed) uncompressed; false when a label or the name is too long.</summary>
    public static bool TryWrite(string name, List<byte> output)
    {
        var trimmed = name.TrimEnd('.');
        var written = 1;
        if (trimmed.Length > 0)
            foreach (var label in trimmed.Split('.'))
            {
                var bytes = Encoding.ASCII.GetBytes(label);
                if (bytes.Length is 0 or > MaxLabel) return false;
                written += bytes.Length + 1;
                if (written > MaxLength) return false;
                output.Add((byte)bytes.Length);
                output.AddRange(bytes);
            }
        output.Add(0);
        return true;
    }

    /// <summary>The form the lookups compare: lower case (ASCII, RFC 4343), without a trailing dot.</summary>
    public static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    /// <summary>The address a reverse name stands for (<c>2.0.99.10.in-addr.arpa</c> → 10.99.0.2); null for any other name.</summary>
    public static IPAddress? ParseReverse(string name)
    {
        const string suffix = ".in-addr.arpa";
        var normalized = Normalize(name);
        if (!normalized.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var octets = normalized[..^suffix.Length].Split('.');
        if (octets.Length != 4) return null;
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
            if (!byte.TryParse(octets[3 - i], System.Globalization.NumberStyles.None, null, out bytes[i]) || (octets[3 - i].Length > 1 && octets[3 - i][0] == '0'))
                return null;
        return new IPAddress(bytes);
    }
}

/// <summary>
/// Builds the resolver's own answers (RFC 1035 4.1): the query's ID, opcode and RD echoed, QR and RA set, the
/// question echoed, answers whose owner is the question's name (a compression pointer to offset 12), A/AAAA/PTR data.
/// </summary>
public sealed class DnsResponse
{
    public const uint Ttl = 600; // dockerd's respTTL

    private readonly DnsQuery _query;
    private readonly List<(ushort Type, byte[] Data)> _answers = [];

    public DnsResponse(DnsQuery query, DnsRcode rcode = DnsRcode.NoError)
    {
        _query = query;
        Rcode = rcode;
    }

    public DnsRcode Rcode { get; }
    public int AnswerCount => _answers.Count;

    public DnsResponse AddAddress(IPAddress address)
    {
        _answers.Add((address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? DnsType.A : DnsType.Aaaa,
            address.GetAddressBytes()));
        return this;
    }

    public DnsResponse AddPointer(string target)
    {
        var data = new List<byte>();
        if (!DnsName.TryWrite(target, data)) throw new ArgumentException($"not a valid DNS name: {target}", nameof(target));
        _answers.Add((DnsType.Ptr, data.ToArray()));
        return this;
    }

    /// <summary>
    /// The wire form, at most <paramref name="maxLength"/> bytes: answers that do not fit are dropped (as dockerd's
    /// truncateResp) and, over UDP (<paramref name="udp"/>), the TC bit tells the client to ask again over TCP.
    /// </summary>
    public byte[] ToBytes(int maxLength, bool udp)
    {
        var question = _query.Question.WireName;
        var fixedLength = DnsQuery.HeaderLength + question.Length + 4;
        var answerLengths = _answers.Select(a => 2 + 10 + a.Data.Length).ToList();
        var count = _answers.Count;
        var total = fixedLength + answerLengths.Sum();
        while (count > 0 && total > maxLength) total -= answerLengths[--count];
        var truncated = count < _answers.Count;

        var output = new byte[total];
        var span = output.AsSpan();
        var flags = (ushort)(0x8000 | (_query.Opcode << 11) | (_query.RecursionDesired ? 0x0100 : 0) | 0x0080 | (byte)Rcode);
        if (truncated && udp) flags |= 0x0200;
        BinaryPrimitives.WriteUInt16BigEndian(span, _query.Id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)count);
        var offset = DnsQuery.HeaderLength;
        question.CopyTo(output, offset);
        offset += question.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], _query.Question.Type);
        BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], _query.Question.Class);
        offset += 4;
        foreach (var (type, data) in _answers.Take(count))
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], 0xC000 | DnsQuery.HeaderLength);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], type);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 4)..], DnsType.ClassIn);
            BinaryPrimitives.WriteUInt32BigEndian(span[(offset + 6)..], Ttl);
            BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 10)..], (ushort)data.Length);
            data.CopyTo(span[(offset + 12)..]);
            offset += 12 + data.Length;
        }
        return output;
    }

    /// <summary>A reply carrying only a header (FORMERR, NOTIMP): for a query whose question could not be read.</summary>
    public static byte[] HeaderOnly(ushort id, DnsRcode rcode)
    {
        var output = new byte[DnsQuery.HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(output, id);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(2), (ushort)(0x8000 | 0x0080 | (byte)rcode));
        return output;
    }
}
