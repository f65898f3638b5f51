using Containers.Images.Manifests;

namespace Containers.Images.Tests;

public sealed class PlatformTests
{
    private static Descriptor Entry(string os, string arch, string? variant = null) => new()
    {
        MediaType = MediaTypes.OciManifest,
        Digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(os + arch + variant))),
        Size = 1,
        Platform = new Platform { Os = os, Architecture = arch, Variant = variant },
    };

    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("Linux/ARM/v6", "linux/arm/v6")]
    public void Parses_and_normalizes(string input, string expected) => Assert.Equal(expected, Platform.Parse(input).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("linux/amd64/v2/extra")]
    [InlineData("linux//amd64")]
    [InlineData("linux/am d64")]
    public void Rejects_bad_specifiers(string input)
    {
        var ex = Assert.Throws<FormatException>(() => Platform.Parse(input));
        Assert.Contains("invalid platform", ex.Message);
    }

    [Fact]
    public void Selects_exact_match_then_best_older_variant()
    {
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            Manifests = [Entry("linux", "arm", "v5"), Entry("linux", "arm", "v6"), Entry("linux", "amd64"), Entry("linux", "arm64", "v8"), Entry("windows", "amd64")],
        };
        Assert.Same(index.Manifests[2], ManifestParser.SelectPlatform(index, Platform.Parse("linux/amd64")));
        Assert.Same(index.Manifests[3], ManifestParser.SelectPlatform(index, Platform.Parse("linux/arm64")));
        Assert.Same(index.Manifests[1], ManifestParser.SelectPlatform(index, Platform.Parse("linux/arm/v7"))); // v6 is the closest that runs
        Assert.Same(index.Manifests[0], ManifestParser.SelectPlatform(index, Platform.Parse("linux/arm/v5")));
        Assert.Same(index.Manifests[4], ManifestParser.SelectPlatform(index, Platform.Parse("windows/amd64")));
        var ex = Assert.Throws<PlatformNotFoundException>(() => ManifestParser.SelectPlatform(index, Platform.Parse("linux/ppc64le")));
        Assert.Equal("no matching manifest for linux/ppc64le in the manifest list entries", ex.Message);
    }

    [Fact]
    public void Default_platform_is_the_host()
    {
        Assert.Equal("linux/amd64", Platform.Default.ToString()); // the project's machines are x86_64
    }
}
