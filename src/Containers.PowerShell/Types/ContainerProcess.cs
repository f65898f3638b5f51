namespace Containers.PowerShell.Types;

/// <summary>
/// One process of a container, as Get-ContainerProcess returns it from the engine's <c>top</c> (the host's <c>ps</c>
/// restricted to the container's cgroup). The common columns are typed properties; every column ps printed, whatever
/// -PsArgs asked for, is in <see cref="Columns"/> under its ps title.
/// </summary>
public sealed class ContainerProcess
{
    /// <summary>The container's name, without Docker's leading slash.</summary>
    public required string Container { get; init; }

    /// <summary>The host PID (PID), as docker top shows it.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The parent's host PID (PPID).</summary>
    public int? ParentProcessId { get; init; }

    /// <summary>The user (UID or USER column).</summary>
    public string? User { get; init; }

    /// <summary>The CPU time used (TIME).</summary>
    public string? CpuTime { get; init; }

    /// <summary>The command line (CMD, COMMAND or ARGS column).</summary>
    public string? Command { get; init; }

    /// <summary>Every column ps printed, by its title.</summary>
    public required IReadOnlyDictionary<string, string> Columns { get; init; }

    public static ContainerProcess FromRow(string container, IReadOnlyList<string> titles, IReadOnlyList<string> row)
    {
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < titles.Count && i < row.Count; i++) columns[titles[i]] = row[i];
        string? Column(params string[] names) => names.Select(n => columns.GetValueOrDefault(n)).FirstOrDefault(v => v is not null);
        int? Number(string name) => int.TryParse(Column(name), out var n) ? n : null;
        return new ContainerProcess
        {
            Container = container, ProcessId = Number("PID"), ParentProcessId = Number("PPID"), User = Column("UID", "USER"),
            CpuTime = Column("TIME"), Command = Column("CMD", "COMMAND", "ARGS"), Columns = columns,
        };
    }

    public override string ToString() => $"{ProcessId} {Command}";
}
