using System.Collections;
using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of the cmdlets that create a container (New-Container, Invoke-ContainerImage): the image, command and settings
/// parameters they share, and the create request built from them in one place.
/// </summary>
public abstract class ContainerCreateCmdlet : ContainersCmdlet
{
    /// <summary>The image to create the container from (a reference such as busybox:1.36 or registry:5000/app:1.0).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Image { get; set; } = "";

    /// <summary>The command and its arguments (replaces the image's CMD).</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[]? Command { get; set; }

    /// <summary>The container's name; the engine makes one up when it is not given.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The entrypoint (replaces the image's ENTRYPOINT); an empty string clears it.</summary>
    [Parameter]
    public string[]? Entrypoint { get; set; }

    /// <summary>Environment variables, e.g. @{ MODE = 'test' }.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>The working directory of the command inside the container.</summary>
    [Parameter]
    public string? WorkingDirectory { get; set; }

    /// <summary>user, uid, user:group or uid:gid.</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Memory limit in bytes (PowerShell's 256MB works).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Memory { get; set; }

    /// <summary>CPUs, e.g. 1.5.</summary>
    [Parameter]
    [ValidateRange(0.0, 1024.0)]
    public double Cpus { get; set; }

    /// <summary>Labels of the container, as @{ suite = 'web' } or key=value strings.</summary>
    [Parameter]
    [KeyValueTransformation]
    public Hashtable? Label { get; set; }

    /// <summary>no, always, unless-stopped, on-failure or on-failure:N.</summary>
    [Parameter]
    [ValidatePattern("^(no|always|unless-stopped|on-failure(:[0-9]+)?)$")]
    public string? RestartPolicy { get; set; }

    /// <summary>Mount the container's root filesystem read-only.</summary>
    [Parameter]
    public SwitchParameter ReadOnly { get; set; }

    /// <summary>Capabilities to add to the default set, e.g. NET_ADMIN.</summary>
    [Parameter]
    public string[]? CapabilityAdd { get; set; }

    /// <summary>Capabilities to drop from the default set, e.g. CHOWN, or ALL.</summary>
    [Parameter]
    public string[]? CapabilityDrop { get; set; }

    /// <summary>The network to attach the container to: a network's name or ID (New-ContainerNetwork), bridge (the
    /// default), none (loopback only), host (the host's network), or container:NAME (another container's network).</summary>
    [Parameter]
    [Alias("NetworkMode")]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    public string? Network { get; set; }

    /// <summary>More names the container answers to on its network (docker run --network-alias).</summary>
    [Parameter]
    public string[]? NetworkAlias { get; set; }

    /// <summary>The container's IPv4 address on a user-defined network (docker run --ip).</summary>
    [Parameter]
    public System.Net.IPAddress? IPAddress { get; set; }

    /// <summary>Ports to publish, as docker run -p: 8080:80, 127.0.0.1:8080:80, 80 (the engine picks the host port), 53:53/udp, 8000-8001:80-81.</summary>
    [Parameter]
    [Alias("p")]
    public string[]? Publish { get; set; }

    /// <summary>Publish every port the image exposes on a host port the engine picks (docker run -P).</summary>
    [Parameter]
    public SwitchParameter PublishAll { get; set; }

    /// <summary>The container's host name.</summary>
    [Parameter]
    public string? HostName { get; set; }

    /// <summary>Extra lines for the container's /etc/hosts, as NAME:IP (docker run --add-host).</summary>
    [Parameter]
    public string[]? AddHost { get; set; }

    /// <summary>Volumes and bind mounts, as docker run -v: data:/var/lib/data (a named volume, made on first use),
    /// /srv/src:/src:ro (a host directory, read-only).</summary>
    [Parameter]
    [Alias("v")]
    public string[]? Volume { get; set; }

    /// <summary>Mounts as docker run --mount, one hashtable each: @{ Type = 'bind'; Source = '/srv/src'; Target = '/src'; ReadOnly = $true }
    /// (Type is volume, bind or tmpfs).</summary>
    [Parameter]
    public Hashtable[]? Mount { get; set; }

    /// <summary>tmpfs mounts as docker run --tmpfs: /run or /run:size=64m,mode=1777.</summary>
    [Parameter]
    public string[]? Tmpfs { get; set; }

    /// <summary>DNS servers for the container's /etc/resolv.conf.</summary>
    [Parameter]
    public string[]? Dns { get; set; }

    /// <summary>The create request of these parameters; the TTY, stdin and auto-remove settings are the caller's.</summary>
    protected ContainerCreateRequest BuildCreateRequest(bool tty, bool openStdin, bool autoRemove)
    {
        var restart = RestartPolicy?.Split(':');
        var request = new ContainerCreateRequest
        {
            Image = Image,
            Cmd = Command is { Length: > 0 } ? [.. Command] : null,
            Entrypoint = Entrypoint is null ? null : [.. Entrypoint],
            Env = Environment?.Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}").ToList(),
            WorkingDir = WorkingDirectory,
            User = User,
            Labels = KeyValueTransformationAttribute.ToDictionary(Label),
            Tty = tty,
            OpenStdin = openStdin,
            AttachStdin = openStdin,
            HostConfig = new HostConfig
            {
                Memory = Memory,
                NanoCpus = (long)(Cpus * 1_000_000_000),
                RestartPolicy = new Api.RestartPolicy { Name = restart?[0] ?? "", MaximumRetryCount = restart is [_, var n] ? int.Parse(n) : 0 },
                AutoRemove = autoRemove,
                ReadonlyRootfs = ReadOnly,
                CapAdd = CapabilityAdd is null ? null : [.. CapabilityAdd],
                CapDrop = CapabilityDrop is null ? null : [.. CapabilityDrop],
                NetworkMode = Network ?? "",
                PublishAllPorts = PublishAll,
                ExtraHosts = AddHost is null ? null : [.. AddHost],
                Dns = Dns is null ? null : [.. Dns],
                Binds = Volume is null ? null : [.. Volume],
                Mounts = Mount?.Select(ToMount).ToList(),
                Tmpfs = Tmpfs?.ToDictionary(t => t.Split(':', 2)[0], t => t.Split(':', 2) is [_, var options] ? options : ""),
            },
            Hostname = HostName,
            NetworkingConfig = Endpoint(),
        };
        try
        {
            if (Publish is not null) PortSpec.Publish(request, Publish);
        }
        catch (FormatException e)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, nameof(Publish), e), "InvalidPortSpecification", ErrorCategory.InvalidArgument, Publish));
        }
        return request;
    }

    /// <summary>One -Mount hashtable as the API's mount (keys as docker run --mount names them, any case).</summary>
    private static Api.Mount ToMount(Hashtable table)
    {
        var values = table.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value, StringComparer.OrdinalIgnoreCase);
        string Text(string key) => values.TryGetValue(key, out var v) && v is not null ? v.ToString()! : "";
        bool Flag(string key) => values.TryGetValue(key, out var v) && LanguagePrimitives.IsTrue(v);
        return new Api.Mount
        {
            Type = Text("Type") is { Length: > 0 } type ? type : "volume",
            Source = Text("Source"),
            Target = Text("Target") is { Length: > 0 } target ? target : Text("Destination"),
            ReadOnly = Flag("ReadOnly"),
        };
    }

    /// <summary>The endpoint settings of the container's network (aliases, address), as docker run sends them.</summary>
    private NetworkingConfig? Endpoint()
    {
        if (NetworkAlias is null && IPAddress is null) return null;
        var network = string.IsNullOrEmpty(Network) ? "bridge" : Network;
        return new NetworkingConfig
        {
            EndpointsConfig = new()
            {
                [network] = new EndpointSettings
                {
                    Aliases = NetworkAlias is null ? null : [.. NetworkAlias],
                    IPAMConfig = IPAddress is null ? null : new EndpointIpamConfig { IPv4Address = IPAddress.ToString() },
                },
            },
        };
    }

    /// <summary>Creates the container, writes the engine's warnings (settings it cannot honour fully) and returns its ID.</summary>
    protected string CreateContainer(ContainerCreateRequest request)
    {
        var created = Run(cancel => Client.CreateContainerAsync(request, Name, cancel));
        foreach (var warning in created.Warnings) WriteWarning(warning);
        return created.Id;
    }

    /// <summary>The container as Get-Container shows it.</summary>
    protected Container Listed(string id) =>
        Run(cancel => Client.ListContainersAsync(true, new Dictionary<string, string[]> { ["id"] = [id] }, cancel)).Single();
}
