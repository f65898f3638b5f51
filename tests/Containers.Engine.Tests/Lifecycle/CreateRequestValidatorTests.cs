using Containers.Engine.Errors;
using Containers.Api;
using Containers.Engine.Api;
using Containers.Engine.Lifecycle;

namespace Containers.Engine.Tests.Lifecycle;

public sealed class CreateRequestValidatorTests
{
    private static ContainerCreateRequest With(Action<HostConfig> host, string image = "busybox")
    {
        var request = new ContainerCreateRequest { Image = image, HostConfig = new HostConfig { NetworkMode = "none" } };
        host(request.HostConfig);
        return request;
    }

    private static string Refusal(ContainerCreateRequest request, int status = 400)
    {
        var e = Assert.ThrowsAny<DomainException>(() => CreateRequestValidator.Validate(request, hostCpus: 2));
        Assert.Equal(status, ErrorHandling.Describe(e).Status);
        return e.Message;
    }

    [Fact]
    public void A_plain_request_is_accepted_without_warnings()
    {
        Assert.Empty(CreateRequestValidator.Validate(With(_ => { }), 2));
    }

    [Fact]
    public void The_default_network_mode_and_dns_settings_give_no_warning()
    {
        Assert.Empty(CreateRequestValidator.Validate(new ContainerCreateRequest { Image = "busybox" }, 2));
        Assert.Empty(CreateRequestValidator.Validate(With(h => { h.NetworkMode = "bridge"; h.Dns = ["10.0.0.1"]; h.DnsSearch = ["example"]; }), 2));
    }

    [Theory]
    [InlineData(1024L * 1024, "Minimum memory limit allowed is 6MB")]
    public void Memory_below_6MB_is_refused(long memory, string message)
    {
        Assert.Equal(message, Refusal(With(h => h.Memory = memory)));
    }

    [Fact]
    public void Dockers_resource_rules_are_enforced()
    {
        Assert.StartsWith("Minimum memoryswap limit", Refusal(With(h => { h.Memory = 64 << 20; h.MemorySwap = 32 << 20; })));
        Assert.StartsWith("You should always set the Memory limit", Refusal(With(h => h.MemorySwap = 64 << 20)));
        Assert.Equal("Conflicting options: Nano CPUs and CPU Quota cannot both be set", Refusal(With(h => { h.NanoCpus = 500_000_000; h.CpuQuota = 50000; })));
        Assert.Equal("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", Refusal(With(h => h.NanoCpus = 3_000_000_000)));
        Assert.StartsWith("CPU cfs period can not be less than 1ms", Refusal(With(h => h.CpuPeriod = 10)));
        Assert.StartsWith("Invalid value 2000, range for oom score adj", Refusal(With(h => h.OomScoreAdj = 2000)));
    }

    [Fact]
    public void Restart_policies_follow_Dockers_rules()
    {
        Assert.Equal("invalid restart policy 'sometimes'", Refusal(With(h => h.RestartPolicy = new() { Name = "sometimes" })));
        Assert.Contains("can only be used with 'on-failure'", Refusal(With(h => h.RestartPolicy = new() { Name = "always", MaximumRetryCount = 3 })));
        Assert.Equal("can't create 'AutoRemove' container with restart policy", Refusal(With(h => { h.AutoRemove = true; h.RestartPolicy = new() { Name = "always" }; })));
        Assert.Empty(CreateRequestValidator.Validate(With(h => h.RestartPolicy = new() { Name = "on-failure", MaximumRetryCount = 5 }), 2));
    }

    [Fact]
    public void Unknown_capabilities_are_refused_by_name()
    {
        Assert.Equal("unknown capability 'CAP_FLY'", Refusal(With(h => h.CapAdd = ["CAP_FLY"])));
        Assert.Empty(CreateRequestValidator.Validate(With(h => { h.CapAdd = ["net_admin", "SYS_TIME"]; h.CapDrop = ["ALL"]; }), 2));
    }

    [Fact]
    public void Unsupported_behaviour_changing_settings_are_refused_not_ignored()
    {
        Assert.Contains("device mappings", Refusal(With(h => h.Devices = [new() { PathOnHost = "/dev/fuse" }])));
        Assert.Contains("SELinux", Refusal(With(h => h.SecurityOpt = ["label=disable"])));
        Assert.Equal("invalid --security-opt: \"bogus\"", Refusal(With(h => h.SecurityOpt = ["bogus"])));
        Assert.Equal("invalid container format container:<name|id>", Refusal(With(h => h.NetworkMode = "container:")));
        Assert.Contains("logging driver \"syslog\"", Refusal(With(h => h.LogConfig = new() { Type = "syslog" })));
        // A name dockerd does not know either gets dockerd's wording.
        Assert.Equal("logger: no log driver named 'x' is registered", Refusal(With(h => h.LogConfig = new() { Type = "x" })));
    }

    [Fact]
    public void Port_bindings_follow_Dockers_rules()
    {
        Assert.Empty(CreateRequestValidator.Validate(With(h => h.PortBindings = new() { ["80/tcp"] = [new() { HostIp = "127.0.0.1", HostPort = "8080" }] }), 2));
        Assert.Equal("invalid port specification: \"80a\"", Refusal(With(h => h.PortBindings = new() { ["80/tcp"] = [new() { HostPort = "80a" }] })));
        Assert.Equal("conflicting options: port publishing and the container type network mode",
            Refusal(With(h => { h.NetworkMode = "container:web"; h.PublishAllPorts = true; })));
        Assert.Equal(["Published ports are discarded when using host network mode"],
            CreateRequestValidator.Validate(With(h => { h.NetworkMode = "host"; h.PortBindings = new() { ["80/tcp"] = [new()] }; }), 2));
    }

    [Fact]
    public void Stored_but_unapplied_host_config_fields_are_refused_by_name()
    {
        Assert.StartsWith("DeviceCgroupRules ", Refusal(With(h => h.DeviceCgroupRules = ["c 1:3 mr"])));
        Assert.StartsWith("DeviceRequests ", Refusal(With(h => h.DeviceRequests = [new() { Driver = "nvidia", Count = -1 }])));
        Assert.StartsWith("BlkioWeightDevice ", Refusal(With(h => h.BlkioWeightDevice = [new() { Path = "/dev/sda", Weight = 200 }])));
        Assert.StartsWith("BlkioDeviceReadBps ", Refusal(With(h => h.BlkioDeviceReadBps = [new() { Path = "/dev/sda", Rate = 1024 }])));
        Assert.StartsWith("BlkioDeviceWriteBps ", Refusal(With(h => h.BlkioDeviceWriteBps = [new() { Path = "/dev/sda", Rate = 1024 }])));
        Assert.StartsWith("BlkioDeviceReadIOps ", Refusal(With(h => h.BlkioDeviceReadIOps = [new() { Path = "/dev/sda", Rate = 10 }])));
        Assert.StartsWith("BlkioDeviceWriteIOps ", Refusal(With(h => h.BlkioDeviceWriteIOps = [new() { Path = "/dev/sda", Rate = 10 }])));
        Assert.StartsWith("VolumeDriver \"flocker\"", Refusal(With(h => h.VolumeDriver = "flocker")));
        Assert.StartsWith("Links ", Refusal(With(h => h.Links = ["db:db"])));
        Assert.StartsWith("Cgroup \"container:abc\"", Refusal(With(h => h.Cgroup = "container:abc")));
        Assert.StartsWith("CgroupParent \"/custom\"", Refusal(With(h => h.CgroupParent = "/custom")));
        Assert.StartsWith("MaskedPaths ", Refusal(With(h => h.MaskedPaths = ["/proc/kcore"])));
        Assert.StartsWith("ReadonlyPaths ", Refusal(With(h => h.ReadonlyPaths = ["/proc/sys"])));
        Assert.StartsWith("StorageOpt ", Refusal(With(h => h.StorageOpt = new() { ["size"] = "10G" })));
        Assert.StartsWith("CpuRealtimePeriod ", Refusal(With(h => h.CpuRealtimePeriod = 1_000_000)));
        Assert.StartsWith("CpuRealtimeRuntime ", Refusal(With(h => h.CpuRealtimeRuntime = 950_000)));
        Assert.Equal("invalid isolation \"hyperv\": only \"default\" is supported on Linux", Refusal(With(h => h.Isolation = "hyperv")));
        // Their empty values (what docker run sends when the flags are not given) pass.
        Assert.Empty(CreateRequestValidator.Validate(With(h =>
        {
            h.Isolation = "default";
            h.DeviceCgroupRules = [];
            h.Links = [];
            h.MaskedPaths = [];
            h.StorageOpt = [];
        }), 2));
    }

    [Fact]
    public void Supported_security_options_pass()
    {
        Assert.Empty(CreateRequestValidator.Validate(With(h => h.SecurityOpt = ["seccomp=unconfined", "no-new-privileges", "no-new-privileges:true"]), 2));
    }

    [Fact]
    public void A_missing_image_is_refused()
    {
        Assert.Contains("no image given", Refusal(new ContainerCreateRequest()));
    }
}

public sealed class CapabilitiesTests
{
    private static List<string> Effective(bool privileged, List<string>? add, List<string>? drop) =>
        ContainerSpecBuilder.EffectiveCapabilities(new HostConfig { Privileged = privileged, CapAdd = add, CapDrop = drop });

    [Fact]
    public void The_default_set_is_Dockers_fourteen()
    {
        var set = Effective(false, null, null);
        Assert.Equal(14, set.Count);
        Assert.Contains("CAP_NET_BIND_SERVICE", set);
        Assert.DoesNotContain("CAP_SYS_ADMIN", set);
    }

    [Fact]
    public void Add_drop_and_privileged_combine_as_in_Docker()
    {
        Assert.Equal(["CAP_NET_ADMIN"], Effective(false, ["NET_ADMIN"], ["ALL"]));
        Assert.DoesNotContain("CAP_CHOWN", Effective(false, null, ["chown"]));
        Assert.Equal(Containers.Runtime.Security.Capabilities.Names.Length, Effective(true, null, ["ALL"]).Count);
        Assert.Equal(Containers.Runtime.Security.Capabilities.Names.Length, Effective(false, ["ALL"], null).Count);
    }
}
