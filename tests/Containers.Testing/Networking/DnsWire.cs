using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Containers.Testing.Networking;

/// <summary>
/// A test's own minimal DNS wire code (RFC 1035), written apart from the engine's so the two check each other: builds
/// queries and answers, reads the parts of a reply tests assert on.
/// </summary>
public static class DnsWire
{
    public const ushort A = 1, Ptr = 12, Aaaa = 28, Opt = 41;

    public sealed record Reply(ushort Id, bool Truncated, bool Authoritative, int Rcode, IReadOnlyList<(ushort Type, byte[] Data)> Answers)
    {
        public IReadOnlyList<IPAddress> Addresses => Answers.Where(a => a.Type is A or Aaaa).Select(a => new IPAddress(a.Data)).ToList();
    }

    /// <summary>A query with RD set; <paramref name="ednsSize"/> adds an OPT record advertising that UDP size.</summary>
    public static byte[] Query(ushort id, string name, ushort type, ushort? ednsSize = null)
    {
        var bytes = new List<byte>();
        Put(bytes, id); Put(bytes, 0x0100); Put(bytes, 1); Put(bytes, 0); Put(bytes, 0); Put(bytes, (ushort)(ednsSize is null ? 0 : 1));
        PutName(bytes, name);
        Put(bytes, type); Put(bytes, 1);
        if (ednsSize is { } size)
        {
            bytes.Add(0); Put(bytes, Opt); Put(bytes, size); Put(bytes, 0); Put(bytes, 0); Put(bytes, 0);
        }
        return bytes.ToArray();
    }

    /// <summary>The reply to <paramref name="query"/> with the question copied and A records for <paramref name="addresses"/>.</summary>
    public static byte[] Answer(byte[] query, int rcode, bool authoritative, params IPAddress[] addresses)
    {
        var questionEnd = 12;
        while (query[questionEnd] != 0) questionEnd += query[questionEnd] + 1;
        questionEnd += 5;
        var bytes = new List<byte>(query[..questionEnd]);
        bytes[2] = (byte)(0x80 | (authoritative ? 0x04 : 0) | (query[2] & 0x01));
        bytes[3] = (byte)(0x80 | rcode);
        bytes[6] = 0; bytes[7] = (byte)addresses.Length;
        bytes[8] = bytes[9] = bytes[10] = bytes[11] = 0;
        foreach (var address in addresses)
        {
            Put(bytes, 0xC00C); Put(bytes, A); Put(bytes, 1); Put(bytes, 0); Put(bytes, 60);
            var data = address.GetAddressBytes();
            Put(bytes, (ushort)data.Length);
            bytes.AddRange(data);
        }
        return bytes.ToArray();
    }

    /// <summary>The question name of a query (no compression in questions tests send).</summary>
    public static string QuestionName(byte[] query)
    {
        var labels = new List<string>();
        for (var i = 12; query[i] != 0; i += query[i] + 1) labels.Add(Encoding.ASCII.GetString(query, i + 1, query[i]));
        return string.Join('.', labels);
    }

    public static Reply Read(byte[] message)
    {
        var offset = 12;
        for (var q = 0; q < BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4)); q++) { SkipName(message, ref offset); offset += 4; }
        var answers = new List<(ushort, byte[])>();
        for (var a = 0; a < BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)); a++)
        {
            SkipName(message, ref offset);
            var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
            var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 8));
            answers.Add((type, message[(offset + 10)..(offset + 10 + length)]));
            offset += 10 + length;
        }
        return new Reply(BinaryPrimitives.ReadUInt16BigEndian(message), (message[2] & 0x02) != 0, (message[2] & 0x04) != 0,
            message[3] & 0x0F, answers);
    }

    private static void SkipName(byte[] message, ref int offset)
    {
        while (message[offset] != 0)
        {
            if ((message[offset] & 0xC0) == 0xC0) { offset += 2; return; }
            offset += message[offset] + 1;
        }
        offset++;
    }

    private static void PutName(List<byte> bytes, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
    }

    private static void Put(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
