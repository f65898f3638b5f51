using Containers.Engine.Errors;
using Containers.Api;
using Containers.Engine.Lifecycle;
using Containers.Engine.Tests.Infrastructure;
using Containers.Runtime;
using Containers.Runtime.Spec;
using Containers.Runtime.Tests;
using ImageContainerConfig = Containers.Images.Manifests.ContainerConfig;

namespace Containers.Engine.Tests.Lifecycle;

/// <summary>A Docker create request, merged with an image config, translated to an OCI spec and run by our runtime.</summary>
public sealed class ContainerSpecBuilderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static readonly ImageContainerConfig Image = new()
    {
        Env = ["PATH=/bin", "FROM_IMAGE=1", "OVERRIDDEN=image"],
        Entrypoint = ["/bin/sh", "-c"],
        Cmd = ["echo from image"],
        WorkingDir = "/tmp",
    };

    [Fact]
    public void Merging_follows_Dockers_rules()
    {
        var id = new string('a', 64);
        var (config, path, args) = ContainerConfigMerger.Merge(new ContainerCreateRequest { Env = ["OVERRIDDEN=request", "NEW=1"] }, Image, "busybox", id);
        Assert.Equal("/bin/sh", path);
        Assert.Equal(["-c", "echo from image"], args);
        Assert.Equal(["PATH=/bin", "FROM_IMAGE=1", "OVERRIDDEN=request", "NEW=1"], config.Env);
        Assert.Equal("/tmp", config.WorkingDir);
        Assert.Equal(id[..12], config.Hostname);

        // A request's entrypoint drops the image's cmd; a request's cmd keeps the image's entrypoint.
        Assert.Equal("/bin/echo", Command(new() { Entrypoint = ["/bin/echo"] }));
        Assert.Equal("/bin/sh -c date", Command(new() { Cmd = ["date"] }));
        var e = Assert.ThrowsAny<DomainException>(() => ContainerConfigMerger.Merge(new(), null, "scratch", id));
        Assert.Equal("No command specified", e.Message);
    }

    private static string Command(ContainerCreateRequest request)
    {
        var (_, path, args) = ContainerConfigMerger.Merge(request, Image, "busybox", new string('b', 64));
        return string.Join(' ', args.Prepend(path));
    }

    [Fact]
    public async Task The_spec_runs_in_our_runtime_with_the_requested_settings()
    {
        using var bundle = new TestBundle("true");
        var id = ContainerStore.NewId();
        var request = new ContainerCreateRequest
        {
            Cmd = ["echo \"$FROM_IMAGE $OVERRIDDEN\"; hostname; pwd; id -u; grep CapEff /proc/self/status; ulimit -n; ls /sys/class/net; cat /etc/resolv.conf"],
            Env = ["OVERRIDDEN=request"],
            Hostname = "box",
            User = "alice",
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                CapDrop = ["ALL"],
                CapAdd = ["CHOWN"],
                Ulimits = [new Ulimit { Name = "nofile", Soft = 512, Hard = 512 }],
                Memory = 64 << 20,
                PidsLimit = 50,
            },
        };
        var (config, path, args) = ContainerConfigMerger.Merge(request, Image, "busybox", id);
        var record = new ContainerRecord { Id = id, Config = config, HostConfig = request.HostConfig, Path = path, Args = args };

        var containerDir = Directory.CreateDirectory(Path.Combine(_dir, "container")).FullName;
        File.WriteAllText(Path.Combine(containerDir, "hostname"), "box\n");
        File.WriteAllText(Path.Combine(containerDir, "hosts"), "127.0.0.1 localhost\n");
        File.WriteAllText(Path.Combine(containerDir, "resolv.conf"), "nameserver 127.0.0.53\n");
        var spec = ContainerSpecBuilder.Build(record, bundle.Rootfs, containerDir, UserResolver.Resolve(bundle.Rootfs, config.User));
        SpecFile.Save(bundle.Dir, spec);

        var runtime = new ContainerRuntime(Path.Combine(_dir, "state"), Path.Combine(AppContext.BaseDirectory, "containers-runtime"));
        var outputPath = Path.Combine(_dir, "out");
        using (var output = File.OpenHandle(outputPath, FileMode.Create, FileAccess.Write))
        using (var input = File.OpenHandle("/dev/null"))
        {
            var fd = (int)output.DangerousGetHandle();
            var status = await Task.Run(() => runtime.Run(id, bundle.Dir, null, (int)input.DangerousGetHandle(), fd, fd));
            Assert.Equal(0, status.ExitCode);
        }
        var lines = File.ReadAllLines(outputPath);
        Assert.Equal("1 request", lines[0]);
        Assert.Equal("box", lines[1]);
        Assert.Equal("/tmp", lines[2]);
        Assert.Equal("1000", lines[3]);
        Assert.Equal("CapEff:\t0000000000000000", lines[4]); // a non-root user holds no effective capabilities
        Assert.Equal("512", lines[5]);
        Assert.Equal("lo", lines[6]);
        Assert.Equal("nameserver 127.0.0.53", lines[7]);
    }

    public void Dispose() => _dir.Dispose();
}
