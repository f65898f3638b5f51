using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Networks;
using Containers.Engine.Networks.Ports;
using Containers.Engine.Resources;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Checks a <c>POST /containers/create</c> body the way dockerd does: invalid combinations are a 400 with Docker's
/// message; settings this engine does not honour yet are refused (400) when ignoring them would change what the
/// container does, or listed in Warnings when the container still behaves as asked. Nothing is silently ignored.
/// </summary>
public static class CreateRequestValidator
{
    private static readonly string[] RestartPolicies = ["", "no", "always", "unless-stopped", "on-failure"];

    public static List<string> Validate(ContainerCreateRequest request, int hostCpus)
    {
        var warnings = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Image)) throw new InvalidParameterException("Config cannot be empty in order to create a container: no image given");
        var host = request.HostConfig ?? new HostConfig();

        warnings.AddRange(ResourceRules.Verify(host, hostCpus, update: false));
        if (host.ShmSize < 0) throw new InvalidParameterException("SHM size can not be less than 0");
        if (host.OomScoreAdj is < -1000 or > 1000) throw new InvalidParameterException($"Invalid value {host.OomScoreAdj}, range for oom score adj is [-1000, 1000]");

        ValidateRestartPolicy(host);
        ValidateCapabilities(host);
        ValidateSecurityOptions(host, warnings);
        ValidateNetworkMode(host);
        ValidatePorts(request, host, warnings);
        ValidateLogConfig(host);
        ValidateHealthcheck(request.Healthcheck);
        Volumes.ContainerMounts.Parse(host);

        // Features that would change the container's behaviour if ignored: refuse until they exist.
        Refuse(host.Devices is { Count: > 0 }, "device mappings (--device) are not supported yet");
        Refuse(host.UsernsMode is { Length: > 0 } and not "host", $"userns mode \"{host.UsernsMode}\" is not supported yet");
        Refuse(host.PidMode is { Length: > 0 }, $"pid mode \"{host.PidMode}\" is not supported yet");
        Refuse(host.IpcMode is { Length: > 0 } and not ("private" or "shareable"), $"ipc mode \"{host.IpcMode}\" is not supported yet");
        Refuse(host.Runtime is { Length: > 0 } and not "containers-runtime" and not "runc", $"unknown runtime specified {host.Runtime}");
        // HostConfig fields the wire types carry (dockerd 1.47) that no part of the engine applies yet: each one named.
        Refuse(host.DeviceCgroupRules is { Count: > 0 }, "DeviceCgroupRules (--device-cgroup-rule) is not supported yet");
        Refuse(host.DeviceRequests is { Count: > 0 }, "DeviceRequests (--gpus) is not supported yet");
        Refuse(host.BlkioWeightDevice is { Count: > 0 }, "BlkioWeightDevice (--blkio-weight-device) is not supported yet");
        Refuse(host.BlkioDeviceReadBps is { Count: > 0 }, "BlkioDeviceReadBps (--device-read-bps) is not supported yet");
        Refuse(host.BlkioDeviceWriteBps is { Count: > 0 }, "BlkioDeviceWriteBps (--device-write-bps) is not supported yet");
        Refuse(host.BlkioDeviceReadIOps is { Count: > 0 }, "BlkioDeviceReadIOps (--device-read-iops) is not supported yet");
        Refuse(host.BlkioDeviceWriteIOps is { Count: > 0 }, "BlkioDeviceWriteIOps (--device-write-iops) is not supported yet");
        Refuse(host.VolumeDriver is { Length: > 0 }, $"VolumeDriver \"{host.VolumeDriver}\" (--volume-driver) is not supported yet: volume plugins do not exist here");
        Refuse(host.Links is { Count: > 0 }, "Links (--link) is not supported yet: use a user-defined network and its names");
        Refuse(host.Cgroup is { Length: > 0 }, $"Cgroup \"{host.Cgroup}\" is not supported yet");
        Refuse(host.CgroupParent is { Length: > 0 }, $"CgroupParent \"{host.CgroupParent}\" (--cgroup-parent) is not supported yet");
        Refuse(host.MaskedPaths is { Count: > 0 }, "MaskedPaths is not supported yet: the runtime masks its default paths");
        Refuse(host.ReadonlyPaths is { Count: > 0 }, "ReadonlyPaths is not supported yet: the runtime makes its default paths read-only");
        Refuse(host.StorageOpt is { Count: > 0 }, "StorageOpt (--storage-opt) is not supported yet");
        Refuse(host.CpuRealtimePeriod != 0, "CpuRealtimePeriod (--cpu-rt-period) is not supported yet");
        Refuse(host.CpuRealtimeRuntime != 0, "CpuRealtimeRuntime (--cpu-rt-runtime) is not supported yet");
        Refuse(host.Isolation is { Length: > 0 } and not "default", $"invalid isolation \"{host.Isolation}\": only \"default\" is supported on Linux");

        // Settings that do not change what runs: accepted with a warning.
        return warnings;
    }

    /// <summary>Docker's restart policy rules (also for <c>docker update --restart</c>).</summary>
    public static void ValidateRestartPolicy(HostConfig host)
    {
        var policy = host.RestartPolicy;
        if (!RestartPolicies.Contains(policy.Name)) throw new InvalidParameterException($"invalid restart policy '{policy.Name}'");
        if (policy.MaximumRetryCount < 0) throw new InvalidParameterException("invalid restart policy: maximum retry count cannot be negative");
        if (policy.MaximumRetryCount > 0 && policy.Name != "on-failure")
            throw new InvalidParameterException($"invalid restart policy: maximum retry count can only be used with 'on-failure'");
        if (host.AutoRemove && policy.Name is "always" or "unless-stopped" or "on-failure")
            throw new InvalidParameterException("can't create 'AutoRemove' container with restart policy");
    }

    private static void ValidateCapabilities(HostConfig host)
    {
        try
        {
            ContainerSpecBuilder.EffectiveCapabilities(host);
        }
        catch (ArgumentException e)
        {
            throw new InvalidParameterException(e.Message);
        }
    }

    private static void ValidateSecurityOptions(HostConfig host, List<string> warnings)
    {
        foreach (var option in host.SecurityOpt ?? [])
        {
            var (key, value) = option.Split(['=', ':'], 2) is [var k, var v] ? (k, v) : (option, "");
            switch (key)
            {
                case "no-new-privileges" when value is "" or "true" or "false":
                    break;
                case "seccomp" when value == "unconfined":
                    break;
                case "seccomp":
                    throw new InvalidParameterException("custom seccomp profiles are not supported yet; use seccomp=unconfined or the default profile");
                case "apparmor":
                    warnings.Add("AppArmor is not used by this engine; the apparmor security option is ignored.");
                    break;
                case "label":
                    throw new InvalidParameterException("SELinux labels are not supported by this engine");
                default:
                    throw new InvalidParameterException($"invalid --security-opt: \"{option}\"");
            }
        }
    }

    private static void ValidateNetworkMode(HostConfig host)
    {
        switch (host.NetworkMode)
        {
            case "container:":
                throw new InvalidParameterException("invalid container format container:<name|id>");
            default:
                break; // the network's existence is checked by ContainerNetworking
        }
    }

    /// <summary>dockerd's port checks: bad bindings (400), none with another container's namespace, discarded with the host's.</summary>
    private static void ValidatePorts(ContainerCreateRequest request, HostConfig host, List<string> warnings)
    {
        PortSpecs.Validate(host);
        var publishes = host.PortBindings is { Count: > 0 } || host.PublishAllPorts;
        if (NetworkModes.IsContainer(host.NetworkMode) && publishes)
            throw new InvalidParameterException("conflicting options: port publishing and the container type network mode");
        if (NetworkModes.IsContainer(host.NetworkMode) && request.ExposedPorts is { Count: > 0 })
            throw new InvalidParameterException("conflicting options: port exposing and the container type network mode");
        if (host.NetworkMode == "host" && host.PortBindings is { Count: > 0 })
            warnings.Add("Published ports are discarded when using host network mode");
    }

    /// <summary>Log drivers dockerd has built in; of these the engine writes json-file and none.</summary>
    private static readonly string[] DockerLogDrivers = ["json-file", "local", "none", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "etwlogs", "gcplogs", "logentries"];

    /// <summary>dockerd's rules: durations are 0 (the default) or at least 1ms, retries are not negative.</summary>
    private static void ValidateHealthcheck(HealthConfig? health)
    {
        if (health is null) return;
        const long minimum = 1_000_000; // 1ms in nanoseconds
        foreach (var (name, value) in new[] { ("Interval", health.Interval), ("Timeout", health.Timeout), ("StartPeriod", health.StartPeriod), ("StartInterval", health.StartInterval) })
            if (value != 0 && value < minimum) throw new InvalidParameterException($"{name} in Healthcheck cannot be less than 1ms");
        if (health.Retries < 0) throw new InvalidParameterException("Retries in Healthcheck cannot be negative");
        if (health.Test is [var kind, ..] && kind is not ("NONE" or "CMD" or "CMD-SHELL"))
            throw new InvalidParameterException($"unknown health check type \"{kind}\": expected NONE, CMD or CMD-SHELL");
    }

    private static void ValidateLogConfig(HostConfig host)
    {
        var driver = host.LogConfig.Type;
        if (driver is "" or "json-file" or "none") return;
        // A name dockerd does not know either gets dockerd's own message (logger.ValidateLogOpts); a driver it has is refused plainly.
        if (!DockerLogDrivers.Contains(driver))
            throw new InvalidParameterException($"logger: no log driver named '{driver}' is registered");
        throw new InvalidParameterException($"logging driver \"{driver}\" is not supported: use json-file or none");
    }

    private static void Refuse(bool condition, string message)
    {
        if (condition) throw new InvalidParameterException(message);
    }
}
