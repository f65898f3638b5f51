namespace Containers.Runtime.State;

/// <summary>The runtime-spec state document, printed by `state` exactly as runc prints it.</summary>
public sealed class ContainerState
{
    public string OciVersion { get; set; } = "1.0.2-dev";
    public string Id { get; set; } = "";
    public int Pid { get; set; }
    public string Status { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public DateTime Created { get; set; }
    public string Owner { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>What the runtime keeps on disk per container in &lt;root&gt;/&lt;id&gt;/state.json.</summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    /// <summary>Host PID of the container's init (PID 1 inside its PID namespace).</summary>
    public int Pid { get; set; }
    /// <summary>Field 22 of /proc/PID/stat when created: tells our process apart from a later one reusing the PID.</summary>
    public ulong PidStartTime { get; set; }
    /// <summary>The supervising shim (0 when `run` supervises in the foreground).</summary>
    public int ShimPid { get; set; }
    public DateTime Created { get; set; }
    /// <summary>The cgroup path below each hierarchy root, e.g. "/containers-runtime/ID".</summary>
    public string CgroupPath { get; set; } = "";
    public bool CgroupCreated { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>How the container's init ended, written by its supervisor (shim or `run`) into exit.json.</summary>
public sealed class ExitStatus
{
    /// <summary>Exit code as Docker reports it: the code, or 128+N when killed by signal N.</summary>
    public int ExitCode { get; set; }
    /// <summary>The signal that killed it, 0 when it exited.</summary>
    public int Signal { get; set; }
    public bool OomKilled { get; set; }
    public DateTime FinishedAt { get; set; }
}

public static class Status
{
    public const string Creating = "creating", Created = "created", Running = "running", Paused = "paused", Stopped = "stopped";
}
