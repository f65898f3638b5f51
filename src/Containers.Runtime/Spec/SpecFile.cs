using System.Text.Json;

namespace Containers.Runtime.Spec;

/// <summary>Reads and writes config.json, turning malformed input into <see cref="InvalidSpecException"/>.</summary>
public static class SpecFile
{
    public static RuntimeSpec Load(string bundle)
    {
        string path = Path.Combine(bundle, "config.json");
        if (!File.Exists(path)) throw new InvalidSpecException($"{path}: no such file (is --bundle a bundle directory?)");
        RuntimeSpec? spec;
        try { spec = SpecReader.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new InvalidSpecException($"{path}: invalid JSON: {e.Message}"); }
        if (spec is null) throw new InvalidSpecException($"{path}: empty spec");
        Validate(spec, path);
        return spec;
    }

    public static string Serialize(RuntimeSpec spec) => JsonSerializer.Serialize(spec, SpecJsonContext.Default.RuntimeSpec);

    public static void Save(string bundle, RuntimeSpec spec) => File.WriteAllText(Path.Combine(bundle, "config.json"), Serialize(spec));

    private static void Validate(RuntimeSpec spec, string path)
    {
        if (spec.Root is null || string.IsNullOrEmpty(spec.Root.Path)) throw new InvalidSpecException($"{path}: root.path is required");
        if (spec.Process is null) throw new InvalidSpecException($"{path}: process is required");
        if (spec.Process.Args is null || spec.Process.Args.Count == 0) throw new InvalidSpecException($"{path}: process.args must not be empty");
        if (!spec.Process.Cwd.StartsWith('/')) throw new InvalidSpecException($"{path}: process.cwd '{spec.Process.Cwd}' must be an absolute path");
        foreach (var m in spec.Mounts ?? [])
            if (!m.Destination.StartsWith('/')) throw new InvalidSpecException($"{path}: mount destination '{m.Destination}' must be absolute");
        foreach (var ns in spec.Linux?.Namespaces ?? [])
            if (Namespaces.Flag(ns.Type) == 0) throw new InvalidSpecException($"{path}: unknown namespace type '{ns.Type}'");
    }
}

/// <summary>config.json is missing, malformed, or asks for something this runtime does not do.</summary>
public sealed class InvalidSpecException(string message) : Exception(message);

/// <summary>Namespace type names of the spec and their clone flags.</summary>
public static class Namespaces
{
    public static int Flag(string type) => type switch
    {
        "pid" => Interop.Libc.CLONE_NEWPID,
        "network" => Interop.Libc.CLONE_NEWNET,
        "mount" => Interop.Libc.CLONE_NEWNS,
        "ipc" => Interop.Libc.CLONE_NEWIPC,
        "uts" => Interop.Libc.CLONE_NEWUTS,
        "user" => Interop.Libc.CLONE_NEWUSER,
        "cgroup" => Interop.Libc.CLONE_NEWCGROUP,
        _ => 0,
    };

    public static bool Has(RuntimeSpec spec, string type) => spec.Linux?.Namespaces?.Any(n => n.Type == type) ?? false;
}
