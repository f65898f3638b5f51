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
        Summary = s,
    };

    public override string ToString() => Name;
}
