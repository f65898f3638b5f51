using Containers.Engine.Configuration;
using Containers.Images.Pull;

namespace Containers.Engine.Images;

/// <summary>
/// Chooses where pulled layers go. Until the snapshotter is wired in, layers are verified against their diff IDs
/// and recorded, but not unpacked into filesystems.
/// </summary>
public static class LayerUnpacking
{
    public static ILayerUnpacker Create(EngineSettings settings) =>
        new VerifyingLayerUnpacker(Path.Combine(settings.DataRoot, "layers"));
}
