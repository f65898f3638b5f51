using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Containers.Images.Manifests;

/// <summary>os/architecture[/variant], normalized the way containerd's platforms package does.</summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("os")] public string Os { get; init; } = "";
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }
    [JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OsVersion { get; init; }

    public override string ToString() => Os + "/" + Architecture + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);

    /// <summary>The platform this process runs on (linux/amd64 on the project's machines).</summary>
    public static Platform Default { get; } = Normalize(new Platform
    {
        Os = "linux",
        Architecture = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            var a => a.ToString().ToLowerInvariant(),
        },
    });

    /// <summary>Parses "os[/arch[/variant]]" or "arch" as accepted by docker's --platform.</summary>
    public static Platform Parse(string specifier)
    {
        if (string.IsNullOrWhiteSpace(specifier)) throw new FormatException("invalid platform: empty specifier");
        var parts = specifier.Split('/');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0 || p.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '.')))
            throw new FormatException($"invalid platform \"{specifier}\": expected os[/arch[/variant]]");
        Platform p = parts.Length switch
        {
            1 when parts[0].ToLowerInvariant() is "linux" or "windows" or "darwin" or "freebsd" => new Platform { Os = parts[0], Architecture = Default.Architecture, Variant = Default.Variant },
            1 => new Platform { Os = "linux", Architecture = parts[0] },
            2 => new Platform { Os = parts[0], Architecture = parts[1] },
            _ => new Platform { Os = parts[0], Architecture = parts[1], Variant = parts[2] },
        };
        return Normalize(p);
    }

    public static Platform Normalize(Platform p)
    {
        string os = p.Os.ToLowerInvariant();
        string arch = p.Architecture.ToLowerInvariant();
        string? variant = string.IsNullOrEmpty(p.Variant) ? null : p.Variant.ToLowerInvariant();
        switch (arch)
        {
            case "i386": arch = "386"; variant = null; break;
            case "x86_64" or "x86-64" or "amd64":
                arch = "amd64";
                if (variant == "v1") variant = null;
                break;
            case "aarch64" or "arm64":
                arch = "arm64";
                if (variant is "8" or "v8") variant = null;
                break;
            case "armhf": arch = "arm"; variant = "v7"; break;
            case "armel": arch = "arm"; variant = "v6"; break;
            case "arm":
                variant = variant switch { null or "7" => "v7", "5" or "6" or "8" => "v" + variant, _ => variant };
                break;
        }
        return p with { Os = os, Architecture = arch, Variant = variant };
    }

    /// <summary>
    /// How well <paramref name="candidate"/> runs on this (requested) platform: 0 = exact, higher = worse
    /// but compatible, null = incompatible. Older variants of the same architecture are compatible
    /// (arm v7 runs v6 and v5; amd64 v3 runs v2 and v1), as in containerd's matcher.
    /// </summary>
    public int? MatchRank(Platform candidate)
    {
        var want = Normalize(this);
        var have = Normalize(candidate);
        if (want.Os != have.Os || want.Architecture != have.Architecture) return null;
        int w = VariantLevel(want), h = VariantLevel(have);
        if (want.Variant == have.Variant) return 0;
        if (w < 0 || h < 0 || h > w) return null;
        return w - h;
    }

    private static int VariantLevel(Platform p) => p.Architecture switch
    {
        "amd64" => p.Variant switch { null => 1, "v2" => 2, "v3" => 3, "v4" => 4, _ => -1 },
        "arm" => p.Variant switch { "v5" => 5, "v6" => 6, "v7" => 7, "v8" => 8, _ => -1 },
        "arm64" => p.Variant switch { null => 8, "v8.1" => 9, "v8.2" => 10, "v8.3" => 11, "v8.4" => 12, "v8.5" => 13, "v9" => 14, _ => -1 },
        _ => p.Variant is null ? 0 : -1,
    };
}
