using Containers.Images.References;

namespace Containers.Images.Tests;

/// <summary>Normalization and errors as Docker's distribution/reference (ParseNormalizedNamed + TagNameOnly).</summary>
public sealed class ReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("library/busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("user/app", "docker.io/user/app:latest", "user/app:latest")]
    [InlineData("user/team/app:v2", "docker.io/user/team/app:v2", "user/team/app:v2")]
    [InlineData("localhost/app", "localhost/app:latest", "localhost/app:latest")]
    [InlineData("localhost:5000/app:1", "localhost:5000/app:1", "localhost:5000/app:1")]
    [InlineData("127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b:latest", "127.0.0.1:5000/a/b:latest")]
    [InlineData("registry.example.com/a", "registry.example.com/a:latest", "registry.example.com/a:latest")]
    [InlineData("Registry.Example.com/a", "Registry.Example.com/a:latest", "Registry.Example.com/a:latest")]
    [InlineData("[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000/app:latest")]
    [InlineData("a__b-c---d/e_f.g", "docker.io/a__b-c---d/e_f.g:latest", "a__b-c---d/e_f.g:latest")]
    [InlineData("a.b/c", "a.b/c:latest", "a.b/c:latest")] // a dot makes the first component a registry host
    [InlineData("busybox@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "docker.io/library/busybox@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "busybox@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517")]
    [InlineData("busybox:1@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "docker.io/library/busybox:1@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "busybox:1@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517")]
    public void Normalizes_like_docker(string input, string full, string familiar)
    {
        var r = ImageReference.Parse(input);
        Assert.Equal(full, r.ToString());
        Assert.Equal(familiar, r.ToFamiliarString());
    }

    [Fact]
    public void Exposes_parts_used_for_registry_requests()
    {
        var r = ImageReference.Parse("localhost:5000/team/app:v1");
        Assert.Equal("localhost:5000", r.Domain);
        Assert.Equal("team/app", r.Path);
        Assert.Equal("v1", r.Tag);
        Assert.Equal("v1", r.ManifestReference);
        Assert.Null(ImageReference.ParseName("busybox").Tag);
    }

    [Theory]
    [InlineData("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase")]
    [InlineData("docker.io/User/app", "invalid reference format: repository name (User/app) must be lowercase")]
    [InlineData("", "invalid reference format")]
    [InlineData("busybox:", "invalid reference format")]
    [InlineData("busybox::tag", "invalid reference format")]
    [InlineData(":tag", "invalid reference format")]
    [InlineData("-app", "invalid reference format")]
    [InlineData("app/", "invalid reference format")]
    [InlineData("a//b", "invalid reference format")]
    [InlineData("busybox:tag with space", "invalid reference format")]
    [InlineData("busybox@sha256:abc", "invalid reference format")]
    [InlineData("busybox@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc851", "invalid checksum digest length")]
    [InlineData("busybox@md5:ff6bdca1701f3a8a67e328815ff2346b", "unsupported digest algorithm")]
    [InlineData("ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "invalid repository name (ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517), cannot specify 64-byte hexadecimal strings")]
    public void Rejects_with_dockers_messages(string input, string message)
    {
        var ex = Assert.Throws<ReferenceFormatException>(() => ImageReference.Parse(input));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Rejects_names_longer_than_255_characters()
    {
        var ex = Assert.Throws<ReferenceFormatException>(() => ImageReference.Parse("example.com/" + new string('a', 250)));
        Assert.Equal("repository name must not be more than 255 characters", ex.Message);
    }

    [Fact]
    public void Rejects_tags_longer_than_128_characters()
    {
        Assert.Equal("docker.io/library/a:" + new string('t', 128), ImageReference.Parse("a:" + new string('t', 128)).ToString());
        Assert.Equal("invalid reference format", Assert.Throws<ReferenceFormatException>(() => ImageReference.Parse("a:" + new string('t', 129))).Message);
    }
}

/// <summary>fromImage + tag of POST /images/create, and the JSON lines the stream carries.</summary>
public sealed class ApiShapeTests
{
    [Theory]
    [InlineData("busybox", null, "docker.io/library/busybox:latest")]
    [InlineData("busybox", "", "docker.io/library/busybox:latest")]
    [InlineData("busybox", "1.36", "docker.io/library/busybox:1.36")]
    [InlineData("busybox:1.36", "", "docker.io/library/busybox:1.36")]
    [InlineData("127.0.0.1:5000/app", "v2", "127.0.0.1:5000/app:v2")]
    [InlineData("busybox", "sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517",
        "docker.io/library/busybox@sha256:ff6bdca1701f3a8a67e328815ff2346b0e4067d32ec36b7992c1fdc001dc8517")]
    public void From_image_and_tag(string fromImage, string? tag, string expected) =>
        Assert.Equal(expected, ImageReference.FromApi(fromImage, tag).ToString());

    [Fact]
    public void From_image_and_tag_rejects_bad_combinations()
    {
        Assert.StartsWith("invalid reference format: fromImage \"busybox:1\" already has a tag", Assert.Throws<ReferenceFormatException>(() => ImageReference.FromApi("busybox:1", "2")).Message);
        Assert.Equal("invalid checksum digest length", Assert.Throws<ReferenceFormatException>(() => ImageReference.FromApi("busybox", "sha256:abc")).Message);
        Assert.Equal("invalid reference format", Assert.Throws<ReferenceFormatException>(() => ImageReference.FromApi("busybox", "bad tag")).Message);
    }

    [Fact]
    public void Progress_lines_are_dockers_json()
    {
        Assert.Equal("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"0123456789ab\"}",
            new Containers.Images.Pull.PullProgress("0123456789ab", "Pulling fs layer").ToDockerJson());
        Assert.Equal("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":500000,\"total\":1000000},\"progress\":\"[=========================>                         ]    500kB/1MB\",\"id\":\"0123456789ab\"}",
            new Containers.Images.Pull.PullProgress("0123456789ab", "Downloading", 500_000, 1_000_000).ToDockerJson());
        Assert.Equal("{\"status\":\"Digest: sha256:aa\"}", new Containers.Images.Pull.PullProgress(null, "Digest: sha256:aa").ToDockerJson());
    }
}
