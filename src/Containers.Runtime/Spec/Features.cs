namespace Containers.Runtime.Spec;

/// <summary>The `features` document (runtime-spec features.md) describing what this runtime implements.</summary>
public sealed class Features
{
    public string OciVersionMin { get; set; } = "1.0.0";
    public string OciVersionMax { get; set; } = "1.0.2-dev";
    public List<string> Hooks { get; set; } = [];
    public List<string> MountOptions { get; set; } = [.. Init.MountOptions.Names];
    public FeaturesLinux Linux { get; set; } = new();
    public Dictionary<string, string> Annotations { get; set; } = new() { ["org.opencontainers.runc.version"] = "containers-runtime 0.1.0" };

    public sealed class FeaturesLinux
    {
        public List<string> Namespaces { get; set; } = ["cgroup", "ipc", "mount", "network", "pid", "uts"];
        public List<string> Capabilities { get; set; } = [.. Security.Capabilities.Names];
        public FeaturesCgroup Cgroup { get; set; } = new();
        public FeaturesSeccomp Seccomp { get; set; } = new();
    }

    public sealed class FeaturesCgroup { public bool V1 { get; set; } = true; public bool V2 { get; set; } = true; public bool Systemd { get; set; } }

    public sealed class FeaturesSeccomp
    {
        public bool Enabled { get; set; } = true;
        public List<string> Actions { get; set; } = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE"];
        public List<string> Operators { get; set; } = ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"];
        public List<string> Archs { get; set; } = ["SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"];
    }
}
