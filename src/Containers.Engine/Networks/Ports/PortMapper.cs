using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Interop;

namespace Containers.Engine.Networks.Ports;

/// <summary>A published port that cannot be had, in dockerd's words (a 500, as dockerd answers it: no errdefs kind maps it).</summary>
public sealed class PortMappingException(string message) : DomainException(message)
{
    /// <summary>The error as dockerd words it at container start, naming the endpoint (the container's name and endpoint ID).</summary>
    public PortMappingException ForEndpoint(string name, string endpointId) =>
        new($"failed to set up container networking: driver failed programming external connectivity on endpoint {name} ({endpointId}): {Message}");
}

/// <summary>
/// The host ports of the engine's published ports, as dockerd's port allocator and Docker 28's port binding keep them:
/// an exact port taken by another mapping of this engine (same protocol, and the same address or 0.0.0.0 on either
/// side) is "Bind for IP:PORT failed: port is already allocated"; an empty HostPort takes the next free port after the
/// last one given, in the kernel's dynamic range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>), or in the HostPort
/// range asked for. Every port is reserved on the host by binding a socket to it (without listening) for as long as the
/// mapping lives, so no host process (nor another engine) can take it meanwhile, and a port a host process already
/// holds is "failed to bind host port for ...: address already in use". A container's mappings are taken all or none.
/// Connections never reach these sockets: the firewall's DNAT sends them to the container first.
/// </summary>
public sealed class PortMapper : IDisposable
{
    /// <summary>dockerd's range when the kernel's cannot be read.</summary>
    public const int FallbackRangeStart = 49153, FallbackRangeEnd = 65535;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Held>> _byContainer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _last = new(StringComparer.Ordinal);

    private sealed record Held(PortMapping Mapping, Socket? Socket);

    public PortMapper(string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range") => DynamicRange = ReadRange(rangeFile);

    /// <summary>The range empty HostPorts are taken from.</summary>
    public (int Start, int End) DynamicRange { get; }

    /// <summary>Every mapping of every container, for the firewall's state.</summary>
    public IReadOnlyList<PortMapping> Mappings
    {
        get { lock (_gate) return _byContainer.Values.SelectMany(h => h).Select(h => h.Mapping).ToList(); }
    }

    public IReadOnlyList<PortMapping> MappingsOf(string containerId)
    {
        lock (_gate) return _byContainer.TryGetValue(containerId, out var held) ? held.Select(h => h.Mapping).ToList() : [];
    }

    /// <summary>
    /// Reserves the host ports a starting container publishes (its PortBindings, and with -P its exposed ports);
    /// throws <see cref="PortMappingException"/> (and holds nothing for it) when one cannot be had. A container mapped
    /// before is unmapped first.
    /// </summary>
    public IReadOnlyList<PortMapping> Map(string containerId, HostConfig host, IReadOnlyDictionary<string, EmptyObject>? exposedPorts,
        IPAddress containerIp, string bridgeName)
    {
        var requests = PortSpecs.Requests(host, exposedPorts);
        lock (_gate)
        {
            ReleaseLocked(containerId);
            var taken = new List<Held>();
            try
            {
                foreach (var request in requests)
                    taken.Add(request.IsExact
                        ? TakeExact(containerId, request, request.HostPortStart, containerIp, bridgeName, taken)
                        : TakeFree(containerId, request, containerIp, bridgeName, taken));
            }
            catch
            {
                foreach (var held in taken) held.Socket?.Dispose();
                throw;
            }
            if (taken.Count > 0) _byContainer[containerId] = taken;
            return taken.Select(h => h.Mapping).ToList();
        }
    }

    /// <summary>
    /// Takes again, after an engine restart, the ports a running container was given (its NetworkSettings.Ports): the
    /// same ports, reserved as far as they can be (one a host process took while the engine was down is kept as a
    /// mapping, without the reservation, since the firewall rules never stopped sending its traffic to the container).
    /// </summary>
    public IReadOnlyList<PortMapping> Restore(string containerId, IReadOnlyDictionary<string, List<PortBinding>?> recorded,
        IPAddress containerIp, string bridgeName)
    {
        lock (_gate)
        {
            ReleaseLocked(containerId);
            var held = new List<Held>();
            foreach (var (key, bindings) in recorded)
            {
                var (port, protocol) = PortSpecs.ParseKey(key);
                foreach (var binding in bindings ?? [])
                {
                    var mapping = new PortMapping(containerId, protocol, PortSpecs.ParseHostIp(binding.HostIp),
                        PortSpecs.ParseHostPorts(binding.HostPort).Start, containerIp, port, bridgeName);
                    held.Add(new Held(mapping, TryBind(mapping, out _)));
                }
            }
            if (held.Count > 0) _byContainer[containerId] = held;
            return held.Select(h => h.Mapping).ToList();
        }
    }

    /// <summary>Releases a container's host ports (at its stop); nothing when it has none.</summary>
    public void Unmap(string containerId)
    {
        lock (_gate) ReleaseLocked(containerId);
    }

    public void Dispose()
    {
        lock (_gate)
            foreach (var id in _byContainer.Keys.ToList()) ReleaseLocked(id);
    }

    private void ReleaseLocked(string containerId)
    {
        if (!_byContainer.Remove(containerId, out var held)) return;
        foreach (var h in held) h.Socket?.Dispose();
    }

    private Held TakeExact(string containerId, PortRequest request, int port, IPAddress containerIp, string bridge, List<Held> taken)
    {
        if (IsAllocated(request.Protocol, request.HostIp, port, taken))
            throw new PortMappingException($"Bind for {request.HostIp}:{port} failed: port is already allocated");
        var mapping = new PortMapping(containerId, request.Protocol, request.HostIp, port, containerIp, request.ContainerPort, bridge);
        var socket = TryBind(mapping, out var error)
            ?? throw new PortMappingException($"failed to bind host port for {mapping}: {error}");
        return new Held(mapping, socket);
    }

    /// <summary>dockerd's search: from the port after the last one given for this address, protocol and range, wrapping
    /// around once; a port allocated here or held by a host process is passed over.</summary>
    private Held TakeFree(string containerId, PortRequest request, IPAddress containerIp, string bridge, List<Held> taken)
    {
        var (start, end) = request.HostPortStart == 0 ? DynamicRange : (request.HostPortStart, request.HostPortEnd);
        var key = string.Create(CultureInfo.InvariantCulture, $"{request.HostIp}/{request.Protocol}/{start}-{end}");
        var port = _last.GetValueOrDefault(key, end);
        string? lastError = null;
        for (var tries = start; tries <= end; tries++)
        {
            port = port >= end ? start : port + 1;
            if (IsAllocated(request.Protocol, request.HostIp, port, taken)) continue;
            var mapping = new PortMapping(containerId, request.Protocol, request.HostIp, port, containerIp, request.ContainerPort, bridge);
            if (TryBind(mapping, out lastError) is not { } socket) continue;
            _last[key] = port;
            return new Held(mapping, socket);
        }
        throw new PortMappingException(request.HostPortStart == 0 || lastError is null
            ? "all ports are allocated"
            : $"failed to bind host port for {request.HostIp}:{request.HostPortStart}-{request.HostPortEnd}:{containerIp}:{request.ContainerPort}/{request.Protocol}: {lastError}");
    }

    private bool IsAllocated(string protocol, IPAddress hostIp, int port, List<Held> taken) =>
        taken.Concat(_byContainer.Values.SelectMany(h => h)).Any(h => h.Mapping.Overlaps(protocol, hostIp, port));

    /// <summary>Binds (never listens on) the mapping's host address and port: the reservation. Null with the reason when the
    /// kernel refuses, in Go's words (strerror in lower case: "address already in use"). The socket is made and bound through libc because .NET's
    /// Bind turns SO_REUSEADDR on for TCP: with it, another such socket (another engine's reservation, a .NET server that
    /// has not listened yet) could bind the same port; without it, nothing else can.</summary>
    private static unsafe Socket? TryBind(PortMapping mapping, out string? error)
    {
        const int AF_INET = 2, SOCK_CLOEXEC = 0x80000;
        var fd = Libc.socket(AF_INET, (mapping.Protocol == "udp" ? Libc.SOCK_DGRAM : Libc.SOCK_STREAM) | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new SyscallException("socket", Marshal.GetLastPInvokeError());
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        Span<byte> address = stackalloc byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(address, AF_INET);
        BinaryPrimitives.WriteUInt16BigEndian(address[2..], (ushort)mapping.HostPort);
        mapping.HostIp.TryWriteBytes(address[4..8], out _);
        int result;
        fixed (byte* p = address) result = Libc.bind(fd, p, address.Length);
        if (result == 0)
        {
            error = null;
            return new Socket(handle);
        }
        var errno = Marshal.GetLastPInvokeError();
        handle.Dispose();
        var text = Marshal.GetPInvokeErrorMessage(errno);
        error = char.ToLowerInvariant(text[0]) + text[1..];
        return null;
    }

    private static (int, int) ReadRange(string path)
    {
        try
        {
            var parts = File.ReadAllText(path).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var start)
                && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var end) && start > 0 && start <= end && end <= 65535)
                return (start, end);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return (FallbackRangeStart, FallbackRangeEnd);
    }
}
