using System.Text.Json;

namespace Containers.Runtime.Spec;

/// <summary>
/// Reads config.json through JsonDocument into the model. Every container start parses the spec twice (supervisor
/// and init, two fresh processes); the serializer's first-use cost is ~4 ms per process under NativeAOT, JsonDocument's
/// ~0.05 ms, so the hot path maps by hand. Unknown properties are ignored, like the serializer does.
/// </summary>
internal static class SpecReader
{
    public static RuntimeSpec Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("the document is not a JSON object");
        return new RuntimeSpec
        {
            OciVersion = Str(root, "ociVersion") ?? "",
            Process = Obj(root, "process") is { } p ? Process(p) : null,
            Root = Obj(root, "root") is { } r ? new RootSpec { Path = Str(r, "path") ?? "", Readonly = Bool(r, "readonly") } : null,
            Hostname = Str(root, "hostname"),
            Domainname = Str(root, "domainname"),
            Mounts = List(root, "mounts", m => new MountSpec
            {
                Destination = Str(m, "destination") ?? "", Type = Str(m, "type"), Source = Str(m, "source"), Options = Strings(m, "options"),
            }),
            Annotations = Map(root, "annotations"),
            Linux = Obj(root, "linux") is { } l ? Linux(l) : null,
        };
    }

    private static ProcessSpec Process(JsonElement p) => new()
    {
        Terminal = Bool(p, "terminal"),
        ConsoleSize = Obj(p, "consoleSize") is { } c ? new ConsoleSize { Height = U32(c, "height") ?? 0, Width = U32(c, "width") ?? 0 } : null,
        User = Obj(p, "user") is { } u
            ? new UserSpec { Uid = U32(u, "uid") ?? 0, Gid = U32(u, "gid") ?? 0, Umask = U32(u, "umask"), AdditionalGids = List(u, "additionalGids", e => e.GetUInt32()) }
            : new UserSpec(),
        Args = Strings(p, "args"),
        Env = Strings(p, "env"),
        Cwd = Str(p, "cwd") ?? "/",
        Capabilities = Obj(p, "capabilities") is { } c2 ? new CapabilitiesSpec
        {
            Bounding = Strings(c2, "bounding"), Effective = Strings(c2, "effective"), Inheritable = Strings(c2, "inheritable"),
            Permitted = Strings(c2, "permitted"), Ambient = Strings(c2, "ambient"),
        } : null,
        Rlimits = List(p, "rlimits", r => new RlimitSpec { Type = Str(r, "type") ?? "", Hard = U64(r, "hard") ?? 0, Soft = U64(r, "soft") ?? 0 }),
        NoNewPrivileges = Bool(p, "noNewPrivileges"),
        OomScoreAdj = I32(p, "oomScoreAdj"),
        ApparmorProfile = Str(p, "apparmorProfile"),
    };

    private static LinuxSpec Linux(JsonElement l) => new()
    {
        UidMappings = List(l, "uidMappings", IdMap),
        GidMappings = List(l, "gidMappings", IdMap),
        Sysctl = Map(l, "sysctl"),
        Resources = Obj(l, "resources") is { } r ? Resources(r) : null,
        CgroupsPath = Str(l, "cgroupsPath"),
        Namespaces = List(l, "namespaces", n => new NamespaceSpec { Type = Str(n, "type") ?? "", Path = Str(n, "path") }),
        Devices = List(l, "devices", d => new DeviceSpec
        {
            Path = Str(d, "path") ?? "", Type = Str(d, "type") ?? "c", Major = I64(d, "major") ?? 0, Minor = I64(d, "minor") ?? 0,
            FileMode = U32(d, "fileMode"), Uid = U32(d, "uid"), Gid = U32(d, "gid"),
        }),
        Seccomp = Obj(l, "seccomp") is { } s ? Seccomp(s) : null,
        RootfsPropagation = Str(l, "rootfsPropagation"),
        MaskedPaths = Strings(l, "maskedPaths"),
        ReadonlyPaths = Strings(l, "readonlyPaths"),
        MountLabel = Str(l, "mountLabel"),
    };

    private static IdMapping IdMap(JsonElement m) =>
        new() { ContainerID = U32(m, "containerID") ?? 0, HostID = U32(m, "hostID") ?? 0, Size = U32(m, "size") ?? 0 };

    private static ResourcesSpec Resources(JsonElement r) => new()
    {
        Devices = List(r, "devices", d => new DeviceCgroupRule
        {
            Allow = Bool(d, "allow"), Type = Str(d, "type"), Major = I64(d, "major"), Minor = I64(d, "minor"), Access = Str(d, "access"),
        }),
        Memory = Obj(r, "memory") is { } m ? new MemorySpec
        {
            Limit = I64(m, "limit"), Reservation = I64(m, "reservation"), Swap = I64(m, "swap"), Swappiness = U64(m, "swappiness"),
            DisableOOMKiller = Obj(m, "disableOOMKiller") is { } b ? b.GetBoolean() : null,
        } : null,
        Cpu = Obj(r, "cpu") is { } c ? new CpuSpec
        {
            Shares = U64(c, "shares"), Quota = I64(c, "quota"), Period = U64(c, "period"), Cpus = Str(c, "cpus"), Mems = Str(c, "mems"),
        } : null,
        Pids = Obj(r, "pids") is { } p ? new PidsSpec { Limit = I64(p, "limit") ?? 0 } : null,
        BlockIO = Obj(r, "blockIO") is { } b2 ? new BlockIOSpec { Weight = U32(b2, "weight") is { } w ? (ushort)w : null } : null,
    };

    private static SeccompSpec Seccomp(JsonElement s) => new()
    {
        DefaultAction = Str(s, "defaultAction") ?? "SCMP_ACT_ALLOW",
        DefaultErrnoRet = U32(s, "defaultErrnoRet"),
        Architectures = Strings(s, "architectures"),
        Flags = Strings(s, "flags"),
        Syscalls = List(s, "syscalls", r => new SyscallRule
        {
            Names = Strings(r, "names") ?? [], Action = Str(r, "action") ?? "", ErrnoRet = U32(r, "errnoRet"),
            Args = List(r, "args", a => new SyscallArg
            {
                Index = U32(a, "index") ?? 0, Value = U64(a, "value") ?? 0, ValueTwo = U64(a, "valueTwo") ?? 0, Op = Str(a, "op") ?? "",
            }),
        }),
    };

    // Helpers: absent and null read as null; a wrong type is a JsonException naming the property.
    private static JsonElement? Obj(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string? Str(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new JsonException($"'{name}' must be a string")
        : null;

    private static bool Bool(JsonElement e, string name) => Obj(e, name) is { } v
        && (v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new JsonException($"'{name}' must be true or false"));

    private static uint? U32(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetUInt32(out uint x) ? x : throw new JsonException($"'{name}' must be an unsigned 32-bit number")
        : null;

    private static int? I32(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x) ? x : throw new JsonException($"'{name}' must be a 32-bit number")
        : null;

    private static long? I64(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long x) ? x : throw new JsonException($"'{name}' must be a 64-bit number")
        : null;

    private static ulong? U64(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong x) ? x : throw new JsonException($"'{name}' must be an unsigned 64-bit number")
        : null;

    private static List<T>? List<T>(JsonElement e, string name, Func<JsonElement, T> map) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(map).ToList() : throw new JsonException($"'{name}' must be an array")
        : null;

    private static List<string>? Strings(JsonElement e, string name) => List(e, name, x =>
        x.ValueKind == JsonValueKind.String ? x.GetString()! : throw new JsonException($"'{name}' must hold strings"));

    private static Dictionary<string, string>? Map(JsonElement e, string name) => Obj(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new JsonException($"'{name}.{p.Name}' must be a string"))
            : throw new JsonException($"'{name}' must be an object")
        : null;
}
