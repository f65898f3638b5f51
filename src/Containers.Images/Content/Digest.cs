using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Containers.Images.Content;

/// <summary>A content digest "algorithm:hex" as used by OCI (sha256, sha512).</summary>
public readonly partial record struct Digest
{
    public string Algorithm { get; }
    public string Hex { get; }

    private Digest(string algorithm, string hex) { Algorithm = algorithm; Hex = hex; }

    public override string ToString() => Algorithm + ":" + Hex;

    /// <summary>First 12 hex characters, as Docker shows layer and image ids.</summary>
    public string ShortHex => Hex.Length > 12 ? Hex[..12] : Hex;

    [GeneratedRegex("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")]
    private static partial Regex Shape();

    /// <summary>Parses and validates a digest; messages follow go-digest's errors.</summary>
    public static Digest Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || !Shape().IsMatch(value))
            throw new FormatException($"invalid checksum digest format: \"{value}\"");
        string alg = value[..colon], hex = value[(colon + 1)..];
        int expected = alg switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => throw new FormatException($"unsupported digest algorithm: \"{value}\""),
        };
        if (hex.Length != expected)
            throw new FormatException($"invalid checksum digest length: \"{value}\"");
        foreach (char c in hex)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                throw new FormatException($"invalid checksum digest format: \"{value}\" (hex must be lowercase)");
        return new Digest(alg, hex);
    }

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null) return false;
        try { digest = Parse(value); return true; } catch (FormatException) { return false; }
    }

    public IncrementalHash CreateHasher() => IncrementalHash.CreateHash(Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    /// <summary>
    /// Hashes <paramref name="data"/> with this digest's algorithm and throws <see cref="DigestMismatchException"/>,
    /// worded by the caller from the digest the content actually has, unless they match.
    /// </summary>
    public void Verify(ReadOnlySpan<byte> data, Func<Digest, string> mismatch)
    {
        using var hasher = CreateHasher();
        hasher.AppendData(data);
        var actual = FromHash(Algorithm, hasher.GetHashAndReset());
        if (actual != this) throw new DigestMismatchException(mismatch(actual));
    }

    public static Digest FromHash(string algorithm, byte[] hash) => new(algorithm, Convert.ToHexStringLower(hash));

    public static Digest Sha256Of(ReadOnlySpan<byte> data) => new("sha256", Convert.ToHexStringLower(SHA256.HashData(data)));

    public static Digest Sha256Of(string text) => Sha256Of(System.Text.Encoding.UTF8.GetBytes(text));
}
