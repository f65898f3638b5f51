using Containers.Api;

namespace Containers.Client;

/// <summary>
/// A container as PowerShell users see it (<c>Get-Container</c>): the name without Docker's leading slash, times as
/// DateTimeOffset, and the API's row underneath in <see cref="Summary"/>.
/// </summary>
public sealed class Container
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required string Command { get; init; }
    public required DateTimeOffset Created { get; init; }
    /// <summary>created, running, paused, restarting, removing, exited or dead.</summary>
    public required string State { get; init; }
    /// <summary>docker ps's status text: "Up 5 minutes", "Exited (0) 2 seconds ago", "Created".</summary>
    public required string Status { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    /// <summary>docker ps's PORTS: "127.0.0.1:8080->80/tcp" for a published port, "80/tcp" for one only exposed.</summary>
    public required string Ports { get; init; }
    public required ContainerSummary Summary { get; init; }

    public static Container From(ContainerSummary s) => new()
    {
        Id = s.Id,
        Name = s.Names.FirstOrDefault()?.TrimStart('/') ?? "",
        Image = s.Image,
        Command = s.Command,
        Created = DateTimeOffset.FromUnixTimeSeconds(s.Created),
        State = s.State,
        Status = s.Status,
        Labels = s.Labels,
        Ports = DisplayPorts(s.Ports),
        Summary = s,
    };

    public override string ToString() => Name;

    private static string DisplayPorts(IEnumerable<Port> ports) => string.Join(", ", ports
        .OrderBy(p => p.PrivatePort).ThenBy(p => p.Type, StringComparer.Ordinal).ThenBy(p => p.IP, StringComparer.Ordinal)
        .Select(p => p.PublicPort is { } published
            ? $"{(p.IP is { } ip && ip.Contains(':') ? $"[{ip}]" : p.IP)}:{published}->{p.PrivatePort}/{p.Type}"
            : $"{p.PrivatePort}/{p.Type}")
        .Distinct());
}
