using System.Text;
using Containers.Images.Manifests;

namespace Containers.Images.Tests;

/// <summary>Classification of manifest documents whatever the registry says in Content-Type.</summary>
public sealed class ManifestParserTests
{
    private const string Config = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":2}";

    private static ParsedManifest Parse(string json, string? contentType) => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), contentType, "example/app:v1");

    [Fact]
    public void Kind_comes_from_the_document_then_the_header_then_the_shape()
    {
        Assert.Equal(MediaTypes.DockerManifest, Parse($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.DockerManifest}\",\"config\":{Config},\"layers\":[]}}", "application/json").MediaType);
        Assert.Equal(MediaTypes.OciManifest, Parse($"{{\"schemaVersion\":2,\"config\":{Config},\"layers\":[]}}", MediaTypes.OciManifest).MediaType);
        Assert.Equal(MediaTypes.OciManifest, Parse($"{{\"schemaVersion\":2,\"config\":{Config},\"layers\":[]}}", null).MediaType);
        var index = Parse("{\"schemaVersion\":2,\"manifests\":[]}", "text/plain");
        Assert.Equal(MediaTypes.OciIndex, index.MediaType);
        Assert.NotNull(index.Index);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", null, "schema 1")]
    [InlineData("{\"schemaVersion\":2}", MediaTypes.DockerSchema1Signed, "schema 1")]
    [InlineData("not json", null, "is not valid JSON")]
    [InlineData("[1,2]", null, "is not a JSON object")]
    [InlineData("{\"schemaVersion\":3,\"manifests\":[]}", null, "unsupported schemaVersion 3")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\"}", null, "unsupported media type \"application/vnd.cncf.helm.chart.content.v1.tar+gzip\"")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}", null, "has no config descriptor")]
    public void Refuses_with_messages_naming_the_image(string json, string? contentType, string expected)
    {
        var ex = Assert.Throws<UnsupportedManifestException>(() => Parse(json, contentType));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("example/app:v1", ex.Message);
    }

    [Fact]
    public void Refuses_layers_of_unknown_media_type()
    {
        string json = $"{{\"schemaVersion\":2,\"config\":{Config},\"layers\":[{{\"mediaType\":\"application/x-rar\",\"digest\":\"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"size\":1}}]}}";
        var ex = Assert.Throws<UnsupportedManifestException>(() => Parse(json, MediaTypes.OciManifest));
        Assert.Contains("unsupported media type \"application/x-rar\"", ex.Message);
    }

    [Fact]
    public void Refuses_more_than_4_MiB()
    {
        var ex = Assert.Throws<UnsupportedManifestException>(() => ManifestParser.Parse(new byte[4 * 1024 * 1024 + 1], null, "big"));
        Assert.Contains("larger than the 4194304 byte limit", ex.Message);
    }
}
