using Containers.Engine.Errors;

namespace Containers.Engine.Logs;

/// <summary>
/// The key sequence that ends an attach without stopping the container (Docker's <c>detachKeys</c>, default
/// <c>ctrl-p,ctrl-q</c>): comma-separated keys, each a single character or <c>ctrl-</c> followed by a letter or one of
/// <c>@[\]^_</c>. The scanner passes input through and holds back bytes that may begin the sequence, releasing them
/// when the next byte does not continue it.
/// </summary>
public sealed class DetachKeys
{
    public static readonly byte[] Default = [0x10, 0x11];

    private readonly byte[] keys;
    private int matched;

    public DetachKeys(byte[] keys) => this.keys = keys;

    public static byte[] Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Default;
        var keys = new List<byte>();
        foreach (var key in text.Split(','))
        {
            if (key.Length == 1 && key[0] < 0x80)
                keys.Add((byte)key[0]);
            else if (key.Length == 6 && key.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase) && Control(char.ToLowerInvariant(key[5])) is { } code)
                keys.Add(code);
            else
                throw new InvalidParameterException($"Invalid detach keys ({text}) provided");
        }
        return [.. keys];
    }

    private static byte? Control(char c) => c switch
    {
        >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
        '@' => 0, '[' => 27, '\\' => 28, ']' => 29, '^' => 30, '_' => 31,
        _ => null,
    };

    /// <summary>Appends the bytes of <paramref name="input"/> to forward to <paramref name="forward"/>; true when the sequence is complete.</summary>
    public bool Scan(ReadOnlySpan<byte> input, List<byte> forward)
    {
        foreach (var b in input)
        {
            if (b == keys[matched])
            {
                if (++matched == keys.Length) return true;
                continue;
            }
            forward.AddRange(keys.AsSpan(0, matched));
            matched = 0;
            if (b == keys[0])
            {
                if (++matched == keys.Length) return true;
            }
            else forward.Add(b);
        }
        return false;
    }

    /// <summary>At the end of input: the bytes held back as a possible start of the sequence.</summary>
    public void Flush(List<byte> forward)
    {
        forward.AddRange(keys.AsSpan(0, matched));
        matched = 0;
    }
}
