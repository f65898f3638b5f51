using System.Formats.Tar;
using System.Text.Json.Nodes;
using Containers.Images.Tests.Infrastructure;

namespace Containers.Engine.Tests.Volumes;

/// <summary>
/// A registry with busybox plus a layer of escaping symlinks (<c>/mnt/evil -> /</c>, <c>/mnt/up -> ../../..</c>) and an
/// owned directory with content (<c>/srv/app</c>); the same as an image with <c>VOLUME /srv/app /cache</c> (<c>/cache</c> is
/// not in its layers); and one engine that the volume test classes share (<see cref="VolumeTests"/>).
/// </summary>
public sealed class VolumeMountFixture : RegistryEngineFixture
{
    public string Image => $"{Registries.Plain.Host}/test/symlinks:1.0";
    public string VolumeImage => $"{Registries.Plain.Host}/test/volumes:1.0";

    protected override void PushImages()
    {
        var symlinks = OciImageBuilder.Tar(w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "mnt/") { Mode = (UnixFileMode)0b111_101_101 });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "mnt/evil") { LinkName = "/" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "mnt/up") { LinkName = "../../.." });
            // Content for copy-up into an empty volume: owned by 1000:1000, modes 0750 and 0640.
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "srv/app/") { Mode = (UnixFileMode)0b111_101_000, Uid = 1000, Gid = 1000 });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "srv/app/config")
            {
                Mode = (UnixFileMode)0b110_100_000, Uid = 1000, Gid = 1000, DataStream = new MemoryStream("from the image"u8.ToArray()),
            });
        });
        var layers = new List<LayerSpec> { new(OciImageBuilder.BusyboxLayer()), new(symlinks) };
        Push(Image, new ImageSpec(layers));
        var volumes = new JsonObject { ["/srv/app"] = new JsonObject(), ["/cache"] = new JsonObject() };
        Push(VolumeImage, new ImageSpec(layers) { ContainerConfig = new() { ["Cmd"] = new JsonArray("sh"), ["Volumes"] = volumes } });
    }
}

/// <summary>The volume test classes run one after the other on one <see cref="VolumeMountFixture"/>.</summary>
[CollectionDefinition(nameof(VolumeMountFixture))]
public sealed class VolumeTests : ICollectionFixture<VolumeMountFixture>;
