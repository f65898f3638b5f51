namespace Containers.PowerShell.Cmdlets;

internal static class ImageFormat
{
    /// <summary>The 12-hex-digit ID Docker shows (without the sha256: prefix).</summary>
    public static string ShortId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
