using System.Text.RegularExpressions;
using Containers.Images.Content;

namespace Containers.Images.References;

/// <summary>
/// A normalized image reference, parsed the way Docker's distribution/reference package does
/// (ParseNormalizedNamed + TagNameOnly): "busybox" becomes docker.io/library/busybox:latest.
/// </summary>
public sealed partial class ImageReference
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";
    private const string LegacyDefaultDomain = "index.docker.io";
    private const string OfficialRepoPrefix = "library/";
    private const int NameTotalLengthMax = 255;

    /// <summary>Registry host, possibly with port, e.g. "docker.io" or "127.0.0.1:5000".</summary>
    public string Domain { get; }
    /// <summary>Repository path inside the registry, e.g. "library/busybox".</summary>
    public string Path { get; }
    public string? Tag { get; }
    public Digest? Digest { get; }

    private ImageReference(string domain, string path, string? tag, Digest? digest)
    {
        Domain = domain; Path = path; Tag = tag; Digest = digest;
    }

    /// <summary>Fully qualified repository name, e.g. docker.io/library/busybox.</summary>
    public string Name => Domain + "/" + Path;

    /// <summary>Name as Docker shows it to users: "busybox", "user/app", "127.0.0.1:5000/app".</summary>
    public string FamiliarName =>
        Domain == DefaultDomain ? (Path.StartsWith(OfficialRepoPrefix, StringComparison.Ordinal) && Path.IndexOf('/', OfficialRepoPrefix.Length) < 0 ? Path[OfficialRepoPrefix.Length..] : Path) : Name;

    /// <summary>The tag or digest part used in registry requests.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? DefaultTag;

    public ImageReference WithTag(string tag) => Parse(Name + ":" + tag);
    public ImageReference WithDigest(Digest digest) => new(Domain, Path, null, digest);
    public ImageReference NameOnly() => new(Domain, Path, null, null);

    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>FamiliarString: the short form Docker prints ("busybox:latest").</summary>
    public string ToFamiliarString() => FamiliarName + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public override bool Equals(object? obj) => obj is ImageReference r && r.ToString() == ToString();
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    // Grammar of distribution/reference (regexp.go). \w is spelled out because .NET's \w is Unicode.
    private const string AlphaNumeric = "[a-z0-9]+";
    private const string Separator = "(?:[._]|__|[-]+)";
    private const string PathComponent = AlphaNumeric + "(?:" + Separator + AlphaNumeric + ")*";
    private const string DomainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string DomainName = DomainComponent + "(?:\\." + DomainComponent + ")*";
    private const string Ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private const string DomainAndPort = "(?:" + DomainName + "|" + Ipv6 + ")(?::[0-9]+)?";
    private const string NamePattern = "(?:" + DomainAndPort + "/)?" + PathComponent + "(?:/" + PathComponent + ")*";
    private const string TagPattern = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";

    [GeneratedRegex("^(" + NamePattern + ")(?::(" + TagPattern + "))?(?:@(" + DigestPattern + "))?$")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex IdentifierRegex();

    /// <summary>Parses a user-supplied reference and adds ":latest" when neither tag nor digest is given.</summary>
    public static ImageReference Parse(string value) => ParseNormalized(value, addDefaultTag: true);

    /// <summary>Like <see cref="Parse"/> but leaves a bare name without a tag (used for "repository" filters).</summary>
    public static ImageReference ParseName(string value) => ParseNormalized(value, addDefaultTag: false);

    /// <summary>
    /// The query of POST /images/create: fromImage plus an optional tag, which may also be a digest
    /// (the docker CLI sends "busybox" + "sha256:..." for `docker pull busybox@sha256:...`).
    /// </summary>
    public static ImageReference FromApi(string fromImage, string? tag)
    {
        if (string.IsNullOrEmpty(tag)) return Parse(fromImage);
        var name = ParseName(fromImage);
        if (name.Tag is not null || name.Digest is not null)
            throw new ReferenceFormatException($"invalid reference format: fromImage \"{fromImage}\" already has a tag or digest and tag \"{tag}\" was given");
        if (tag.Contains(':'))
        {
            try { return name.WithDigest(Content.Digest.Parse(tag)); }
            catch (FormatException e) { throw new ReferenceFormatException(e.Message.Split(':')[0]); }
        }
        return Parse(name.Name + ":" + tag);
    }

    public static bool TryParse(string value, out ImageReference? reference)
    {
        try { reference = Parse(value); return true; }
        catch (ReferenceFormatException) { reference = null; return false; }
    }

    private static ImageReference ParseNormalized(string value, bool addDefaultTag)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IdentifierRegex().IsMatch(value))
            throw new ReferenceFormatException($"invalid repository name ({value}), cannot specify 64-byte hexadecimal strings");

        var (domain, remainder) = SplitDockerDomain(value);
        int tagSep = remainder.IndexOf(':');
        string remoteName = tagSep > -1 ? remainder[..tagSep] : remainder;
        if (!string.Equals(remoteName.ToLowerInvariant(), remoteName, StringComparison.Ordinal))
            throw new ReferenceFormatException($"invalid reference format: repository name ({remoteName}) must be lowercase");

        return ParseCanonical(domain + "/" + remainder, addDefaultTag);
    }

    private static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        string domain, remainder;
        int i = name.IndexOf('/');
        if (i == -1 || (name[..i].IndexOfAny(['.', ':']) < 0 && name[..i] != "localhost" && name[..i].ToLowerInvariant() == name[..i]))
        {
            domain = DefaultDomain;
            remainder = name;
        }
        else
        {
            domain = name[..i];
            remainder = name[(i + 1)..];
        }
        if (domain == LegacyDefaultDomain) domain = DefaultDomain;
        if (domain == DefaultDomain && !remainder.Contains('/')) remainder = OfficialRepoPrefix + remainder;
        return (domain, remainder);
    }

    private static ImageReference ParseCanonical(string s, bool addDefaultTag)
    {
        var m = ReferenceRegex().Match(s);
        if (!m.Success)
        {
            if (s.Length == 0) throw new ReferenceFormatException("repository name must have at least one component");
            if (ReferenceRegex().IsMatch(s.ToLowerInvariant())) throw new ReferenceFormatException("repository name must be lowercase");
            throw new ReferenceFormatException("invalid reference format");
        }
        string name = m.Groups[1].Value;
        if (name.Length > NameTotalLengthMax)
            throw new ReferenceFormatException($"repository name must not be more than {NameTotalLengthMax} characters");
        int slash = name.IndexOf('/');
        string domain = name[..slash], path = name[(slash + 1)..];
        string? tag = m.Groups[2].Success ? m.Groups[2].Value : null;
        Digest? digest = null;
        if (m.Groups[3].Success)
        {
            try { digest = Content.Digest.Parse(m.Groups[3].Value); }
            catch (FormatException e) { throw new ReferenceFormatException(e.Message.Split(':')[0]); }
        }
        if (addDefaultTag && tag is null && digest is null) tag = DefaultTag;
        return new ImageReference(domain, path, tag, digest);
    }
}
