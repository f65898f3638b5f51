using System.Text.Json.Serialization;

namespace Containers.Runtime.Spec;

// The OCI runtime-spec (v1.0.2 / 1.1) config.json model: only Linux, only the parts a runtime acts on
// plus the ones `spec` must print. Property names follow the spec through the camelCase policy
// of SpecJsonContext; numbers the spec allows to be absent are nullable.

public sealed class RuntimeSpec
{
    public string OciVersion { get; set; } = "1.0.2-dev";
    public ProcessSpec? Process { get; set; }
    public RootSpec? Root { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public List<MountSpec>? Mounts { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public LinuxSpec? Linux { get; set; }
}

public sealed class ProcessSpec
{
    public bool Terminal { get; set; }
    public ConsoleSize? ConsoleSize { get; set; }
    public UserSpec User { get; set; } = new();
    public List<string>? Args { get; set; }
    public List<string>? Env { get; set; }
    public string Cwd { get; set; } = "/";
    public CapabilitiesSpec? Capabilities { get; set; }
    public List<RlimitSpec>? Rlimits { get; set; }
    public bool NoNewPrivileges { get; set; }
    public int? OomScoreAdj { get; set; }
    public string? ApparmorProfile { get; set; }
}

public sealed class ConsoleSize { public uint Height { get; set; } public uint Width { get; set; } }

public sealed class UserSpec
{
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint? Umask { get; set; }
    public List<uint>? AdditionalGids { get; set; }
}

public sealed class CapabilitiesSpec
{
    public List<string>? Bounding { get; set; }
    public List<string>? Effective { get; set; }
    public List<string>? Inheritable { get; set; }
    public List<string>? Permitted { get; set; }
    public List<string>? Ambient { get; set; }
}

public sealed class RlimitSpec
{
    public string Type { get; set; } = "";
    public ulong Hard { get; set; }
    public ulong Soft { get; set; }
}

public sealed class RootSpec
{
    public string Path { get; set; } = "rootfs";
    public bool Readonly { get; set; }
}

public sealed class MountSpec
{
    public string Destination { get; set; } = "";
    public string? Type { get; set; }
    public string? Source { get; set; }
    public List<string>? Options { get; set; }
}

public sealed class LinuxSpec
{
    public List<IdMapping>? UidMappings { get; set; }
    public List<IdMapping>? GidMappings { get; set; }
    public Dictionary<string, string>? Sysctl { get; set; }
    public ResourcesSpec? Resources { get; set; }
    public string? CgroupsPath { get; set; }
    public List<NamespaceSpec>? Namespaces { get; set; }
    public List<DeviceSpec>? Devices { get; set; }
    public SeccompSpec? Seccomp { get; set; }
    public string? RootfsPropagation { get; set; }
    public List<string>? MaskedPaths { get; set; }
    public List<string>? ReadonlyPaths { get; set; }
    public string? MountLabel { get; set; }
}

public sealed class IdMapping { public uint ContainerID { get; set; } public uint HostID { get; set; } public uint Size { get; set; } }

public sealed class NamespaceSpec
{
    public string Type { get; set; } = "";
    public string? Path { get; set; }
}

public sealed class DeviceSpec
{
    public string Path { get; set; } = "";
    public string Type { get; set; } = "c";
    public long Major { get; set; }
    public long Minor { get; set; }
    public uint? FileMode { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
}

public sealed class ResourcesSpec
{
    public List<DeviceCgroupRule>? Devices { get; set; }
    public MemorySpec? Memory { get; set; }
    public CpuSpec? Cpu { get; set; }
    public PidsSpec? Pids { get; set; }
    public BlockIOSpec? BlockIO { get; set; }
}

public sealed class DeviceCgroupRule
{
    public bool Allow { get; set; }
    public string? Type { get; set; }
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public string? Access { get; set; }
}

public sealed class MemorySpec
{
    public long? Limit { get; set; }
    public long? Reservation { get; set; }
    /// <summary>Memory plus swap, as in the spec (and cgroup v1 memsw).</summary>
    public long? Swap { get; set; }
    public ulong? Swappiness { get; set; }
    public bool? DisableOOMKiller { get; set; }
}

public sealed class CpuSpec
{
    public ulong? Shares { get; set; }
    public long? Quota { get; set; }
    public ulong? Period { get; set; }
    public string? Cpus { get; set; }
    public string? Mems { get; set; }
}

public sealed class PidsSpec { public long Limit { get; set; } }

public sealed class BlockIOSpec { public ushort? Weight { get; set; } }

public sealed class SeccompSpec
{
    public string DefaultAction { get; set; } = "SCMP_ACT_ALLOW";
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Flags { get; set; }
    public List<SyscallRule>? Syscalls { get; set; }
}

public sealed class SyscallRule
{
    public List<string> Names { get; set; } = [];
    public string Action { get; set; } = "SCMP_ACT_ALLOW";
    public uint? ErrnoRet { get; set; }
    public List<SyscallArg>? Args { get; set; }
}

public sealed class SyscallArg
{
    public uint Index { get; set; }
    public ulong Value { get; set; }
    public ulong ValueTwo { get; set; }
    public string Op { get; set; } = "SCMP_CMP_EQ";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(ProcessSpec))]
[JsonSerializable(typeof(State.ContainerState))]
[JsonSerializable(typeof(Features))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;
