using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Networks;

/// <summary>An IPv4 prefix: the address as a number (host order) and the prefix length.</summary>
public readonly record struct Ipv4Prefix(uint Address, int Bits)
{
    public uint Mask => Bits == 0 ? 0 : uint.MaxValue << (32 - Bits);

    public bool IsMasked => (Address & Mask) == Address;

    public Ipv4Prefix Masked => new(Address & Mask, Bits);

    public bool Contains(uint address) => (address & Mask) == (Address & Mask);

    /// <summary>Whether the two prefixes share any address (one contains the other's network address).</summary>
    public bool Overlaps(Ipv4Prefix other) => Contains(other.Address) || other.Contains(Address);

    public override string ToString() => Ipam.Format(Address) + "/" + Bits.ToString(CultureInfo.InvariantCulture);

    /// <summary>Go's netip.ParsePrefix for IPv4: "a.b.c.d/n"; null when it is not one.</summary>
    public static Ipv4Prefix? TryParse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || Ipam.TryParseAddress(text[..slash]) is not { } address) return null;
        var bits = text[(slash + 1)..];
        if (bits.Length is 0 or > 2 || !bits.All(char.IsAsciiDigit) || (bits.Length == 2 && bits[0] == '0')) return null;
        var n = int.Parse(bits, CultureInfo.InvariantCulture);
        return n > 32 ? null : new Ipv4Prefix(address, n);
    }
}

/// <summary>
/// Address management as dockerd's default IPAM does it for local networks: a network without a subnet gets the first
/// subnet of the default address pools (172.17.0.0/16 ... 172.31.0.0/16, then 192.168.0.0/20 ... 192.168.240.0/20)
/// that overlaps neither another network nor a route of the host (<c>/proc/net/route</c>, the default route aside), so
/// the engine's networks never shadow the host's own; the gateway is the subnet's first address. A subnet the user
/// gives is validated with moby's messages (ValidateIPAM) and must not overlap another network.
/// </summary>
public static class Ipam
{
    public const string OverlapMessage = "invalid pool request: Pool overlaps with other one on this address space";

    public static readonly IReadOnlyList<Ipv4Prefix> DefaultPools = BuildDefaultPools();

    private static List<Ipv4Prefix> BuildDefaultPools()
    {
        var pools = new List<Ipv4Prefix>();
        for (uint second = 17; second <= 31; second++) pools.Add(new Ipv4Prefix((172u << 24) | (second << 16), 16));
        for (uint third = 0; third < 256; third += 16) pools.Add(new Ipv4Prefix((192u << 24) | (168u << 16) | (third << 8), 20));
        return pools;
    }

    /// <summary>
    /// The pools of a new network: the requested ones validated (with their gateways defaulted to the first address), or
    /// one free default pool. <paramref name="taken"/> are the subnets of the other networks.
    /// </summary>
    public static List<IpamConfig> Allocate(IReadOnlyList<IpamConfig>? requested, IReadOnlyCollection<Ipv4Prefix> taken,
        IReadOnlyCollection<Ipv4Prefix> hostRoutes)
    {
        if (requested is not { Count: > 0 })
        {
            var free = DefaultPools.FirstOrDefault(p => !taken.Any(p.Overlaps) && !hostRoutes.Any(p.Overlaps));
            if (free == default) throw new ForbiddenException("all predefined address pools have been fully subnetted");
            return [new IpamConfig { Subnet = free.ToString(), Gateway = Format(free.Address + 1) }];
        }
        Validate(requested);
        var result = new List<IpamConfig>();
        var mine = new List<Ipv4Prefix>();
        foreach (var config in requested)
        {
            if (string.IsNullOrEmpty(config.Subnet))
                throw new InvalidParameterException("this engine needs a subnet for each IPAM config it is given");
            var subnet = Ipv4Prefix.TryParse(config.Subnet)!.Value;
            if (taken.Any(subnet.Overlaps) || mine.Any(subnet.Overlaps)) throw new ForbiddenException(OverlapMessage);
            mine.Add(subnet);
            result.Add(new IpamConfig
            {
                Subnet = subnet.ToString(),
                IPRange = string.IsNullOrEmpty(config.IPRange) ? null : config.IPRange,
                Gateway = string.IsNullOrEmpty(config.Gateway) ? Format(subnet.Address + 1) : config.Gateway,
                AuxiliaryAddresses = config.AuxiliaryAddresses is { Count: > 0 } aux ? new(aux) : null,
            });
        }
        return result;
    }

    /// <summary>moby's ValidateIPAM for IPv4 pools: every problem found, joined as Go's errors are, in one 400.</summary>
    public static void Validate(IReadOnlyList<IpamConfig> configs)
    {
        var errors = new List<string>();
        foreach (var config in configs)
        {
            if (string.IsNullOrEmpty(config.Subnet))
            {
                if (!string.IsNullOrEmpty(config.IPRange) || !string.IsNullOrEmpty(config.Gateway))
                    errors.Add("invalid network config: a subnet is needed for ip-range and gateway");
                continue;
            }
            if (Ipv4Prefix.TryParse(config.Subnet) is not { } subnet)
            {
                errors.Add(IsIpv6Prefix(config.Subnet)
                    ? $"invalid subnet {config.Subnet}: IPv6 networks are not supported by this engine"
                    : $"invalid subnet {config.Subnet}: invalid CIDR block notation");
                continue;
            }
            if (!subnet.IsMasked) errors.Add($"invalid subnet {subnet}: it should be {subnet.Masked}");
            if (!string.IsNullOrEmpty(config.IPRange) && RangeError(config.IPRange, subnet) is { } rangeError)
                errors.Add($"invalid ip-range {config.IPRange}: {rangeError}");
            if (!string.IsNullOrEmpty(config.Gateway) && AddressError(config.Gateway, subnet) is { } gatewayError)
                errors.Add($"invalid gateway {config.Gateway}: {gatewayError}");
            foreach (var (name, address) in config.AuxiliaryAddresses ?? [])
                if (AddressError(address, subnet) is { } auxError) errors.Add($"invalid auxiliary address {name}: {auxError}");
        }
        if (errors.Count == 0) return;
        var joined = errors.Count == 1 ? errors[0] : "* " + string.Join("\n* ", errors);
        throw new InvalidParameterException("invalid network config:\n" + joined);
    }

    private static string? RangeError(string text, Ipv4Prefix subnet)
    {
        if (Ipv4Prefix.TryParse(text) is not { } range)
            return IsIpv6Prefix(text) ? "parent subnet is an IPv4 block" : "invalid CIDR block notation";
        if (!range.IsMasked) return $"it should be {range.Masked}";
        return subnet.Bits > range.Bits || !subnet.Overlaps(range) ? $"parent subnet {subnet} doesn't contain ip-range {text}" : null;
    }

    private static string? AddressError(string text, Ipv4Prefix subnet)
    {
        if (TryParseAddress(text) is not { } address)
            return IPAddress.TryParse(text, out var any) && any.AddressFamily == AddressFamily.InterNetworkV6
                ? "parent subnet is an IPv4 block" : "invalid address";
        return subnet.Contains(address) ? null : $"parent subnet {subnet} doesn't contain ip address {text}";
    }

    private static bool IsIpv6Prefix(string text) =>
        text.IndexOf('/') is var slash and > 0 && IPAddress.TryParse(text[..slash], out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The host's routes but the default one, from <c>/proc/net/route</c> (little-endian hex destination and mask);
    /// those through <paramref name="exceptInterfaces"/> (the engine's own bridges) left out.</summary>
    public static List<Ipv4Prefix> HostRoutes(string path = "/proc/net/route", IReadOnlySet<string>? exceptInterfaces = null)
    {
        var routes = new List<Ipv4Prefix>();
        if (!File.Exists(path)) return routes;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8 || exceptInterfaces?.Contains(fields[0]) == true
                || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)) continue;
            var bits = System.Numerics.BitOperations.PopCount(mask);
            if (bits == 0) continue;
            routes.Add(new Ipv4Prefix(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(destination), bits).Masked);
        }
        return routes;
    }

    /// <summary>A dotted-quad IPv4 address as Go's netip.ParseAddr reads it (no leading zeros, four parts).</summary>
    public static uint? TryParseAddress(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4) return null;
        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')) return null;
            var n = uint.Parse(part, CultureInfo.InvariantCulture);
            if (n > 255) return null;
            value = (value << 8) | n;
        }
        return value;
    }

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";
}
