using System.Text;
using System.Text.Json;

namespace Containers.Images.Registry;

/// <summary>
/// The X-Registry-Auth header of POST /images/create: base64url JSON {"username","password","serveraddress"}
/// (or {"identitytoken"}), as the docker CLI sends it. Also the body of POST /auth uses the same fields.
/// </summary>
public static class RegistryAuthHeader
{
    /// <summary>Decodes the header; null when absent or empty ("{}"). Bad input is a FormatException naming the header.</summary>
    public static RegistryCredentials? Decode(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        string b64 = header.Trim().Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        byte[] json;
        try { json = Convert.FromBase64String(b64); }
        catch (FormatException) { throw new FormatException("X-Registry-Auth header is not valid base64"); }
        return FromJson(json, "X-Registry-Auth header");
    }

    /// <summary>Parses {"username","password",...} (the POST /auth body, or a decoded X-Registry-Auth).</summary>
    public static RegistryCredentials? FromJson(ReadOnlySpan<byte> json, string what = "auth config")
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{what} is not a JSON object");
            string? user = root.TryGetProperty("username", out var u) ? u.GetString() : null;
            string? pass = root.TryGetProperty("password", out var p) ? p.GetString() : null;
            if (string.IsNullOrEmpty(user) && string.IsNullOrEmpty(pass)) return null;
            return new RegistryCredentials(user ?? "", pass ?? "");
        }
        catch (JsonException e) { throw new FormatException($"{what} is not valid JSON: {e.Message}"); }
    }

    /// <summary>"serveraddress" of a POST /auth body (docker.io when missing).</summary>
    public static string ServerAddress(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        return doc.RootElement.TryGetProperty("serveraddress", out var s) && s.GetString() is { Length: > 0 } a
            ? RegistryHostName.Normalize(a) : References.ImageReference.DefaultDomain;
    }

    public static string Encode(RegistryCredentials credentials, string serverAddress) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { username = credentials.Username, password = credentials.Password, serveraddress = serverAddress }))
            .Replace('+', '-').Replace('/', '_');
}
