using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>
/// A real OCI bundle in a fresh temporary directory: rootfs = the host's static busybox plus its applet symlinks,
/// config.json = `runc spec`'s default with terminal off and the given command.
/// </summary>
public sealed class TestBundle : IDisposable
{
    public string Dir { get; }
    public string Rootfs => Path.Combine(Dir, "rootfs");
    public RuntimeSpec Spec { get; }

    private static readonly Lazy<string[]> Applets = new(() =>
        ProcessRunner.Run("/bin/busybox", "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries));

    public TestBundle(params string[] args)
    {
        Dir = TempDirectory.Create();
        string bin = Path.Combine(Rootfs, "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in Applets.Value)
            if (applet != "busybox") File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        foreach (var d in new[] { "proc", "sys", "dev", "etc", "tmp", "root" }) Directory.CreateDirectory(Path.Combine(Rootfs, d));
        File.WriteAllText(Path.Combine(Rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        File.WriteAllText(Path.Combine(Rootfs, "etc/group"), "root:x:0:\nalice:x:1000:\nstaff:x:50:alice\nvideo:x:44:alice\nnogroup:x:65534:\n");
        Spec = DefaultSpec.Create();
        Spec.Process!.Terminal = false;
        Spec.Process.Args = [.. args];
        Save();
    }

    public void Save() => SpecFile.Save(Dir, Spec);

    public void Dispose()
    {
        TempDirectory.Delete(Dir);
    }
}
