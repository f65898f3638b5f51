using System.Text;
using Containers.Runtime.Security;
using Containers.Runtime.Spec;

namespace Containers.Runtime.Tests;

/// <summary>config.json reading: the hand-mapped reader must see everything the serializer writes, and reject bad input clearly.</summary>
public sealed class SpecTests
{
    private static RuntimeSpec Rich()
    {
        var spec = DefaultSpec.Create();
        spec.Domainname = "example.test";
        spec.Annotations = new() { ["a"] = "b" };
        spec.Process!.ConsoleSize = new ConsoleSize { Height = 24, Width = 80 };
        spec.Process.User = new UserSpec { Uid = 1, Gid = 2, Umask = 18, AdditionalGids = [3, 4] };
        spec.Process.Capabilities!.Inheritable = ["CAP_KILL"];
        spec.Process.OomScoreAdj = -5;
        spec.Process.ApparmorProfile = "unconfined";
        spec.Mounts!.Add(new MountSpec { Destination = "/data", Type = "bind", Source = "/srv", Options = ["rbind", "ro", "rslave"] });
        spec.Linux!.UidMappings = [new IdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
        spec.Linux.GidMappings = [new IdMapping { ContainerID = 0, HostID = 100000, Size = 65536 }];
        spec.Linux.Sysctl = new() { ["net.ipv4.ip_forward"] = "1" };
        spec.Linux.CgroupsPath = "/x/y";
        spec.Linux.Namespaces!.Add(new NamespaceSpec { Type = "cgroup", Path = "/proc/1/ns/cgroup" });
        spec.Linux.Devices = [new DeviceSpec { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 438, Uid = 0, Gid = 0 }];
        spec.Linux.Resources = new ResourcesSpec
        {
            Devices = [new DeviceCgroupRule { Allow = true, Type = "c", Major = 10, Minor = 229, Access = "rwm" }],
            Memory = new MemorySpec { Limit = 1 << 30, Reservation = 1 << 20, Swap = 2L << 30, Swappiness = 10, DisableOOMKiller = false },
            Cpu = new CpuSpec { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0-1", Mems = "0" },
            Pids = new PidsSpec { Limit = 100 },
            BlockIO = new BlockIOSpec { Weight = 500 },
        };
        spec.Linux.Seccomp = DockerSeccompProfile.Create(Capabilities.DockerDefault);
        spec.Linux.Seccomp.Flags = ["SECCOMP_FILTER_FLAG_LOG"];
        spec.Linux.RootfsPropagation = "rslave";
        spec.Linux.MountLabel = "label";
        return spec;
    }

    [Fact]
    public void ReaderSeesEverythingTheSerializerWrites()
    {
        string json = SpecFile.Serialize(Rich());
        var parsed = SpecReader.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(json, SpecFile.Serialize(parsed));
    }

    [Theory]
    [InlineData("{\"process\": {\"args\": \"sh\"}}", "'args' must be an array")]
    [InlineData("{\"process\": {\"user\": {\"uid\": -1}}}", "'uid' must be an unsigned 32-bit number")]
    [InlineData("{\"hostname\": 5}", "'hostname' must be a string")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("{\"root\": ", "")]
    public void MalformedSpecsAreRejectedNamingTheProblem(string json, string expected)
    {
        string dir = Directory.CreateTempSubdirectory("crt-spec-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), json);
            var e = Assert.Throws<InvalidSpecException>(() => SpecFile.Load(dir));
            Assert.Contains("config.json: invalid JSON", e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MissingRequiredPartsAreNamed()
    {
        string dir = Directory.CreateTempSubdirectory("crt-spec-").FullName;
        try
        {
            var spec = DefaultSpec.Create();
            spec.Process!.Args = [];
            SpecFile.Save(dir, spec);
            Assert.Contains("process.args must not be empty", Assert.Throws<InvalidSpecException>(() => SpecFile.Load(dir)).Message);
            spec = DefaultSpec.Create();
            spec.Linux!.Namespaces!.Add(new NamespaceSpec { Type = "time" });
            SpecFile.Save(dir, spec);
            Assert.Contains("unknown namespace type 'time'", Assert.Throws<InvalidSpecException>(() => SpecFile.Load(dir)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
