using System.Diagnostics;
using System.Text.RegularExpressions;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Resources;

/// <summary>
/// <c>docker top</c> as dockerd does it: the host's <c>ps</c> with the caller's arguments (default <c>-ef</c>), asked for
/// the container's PIDs only (<c>-q</c>, retried without it for options that cannot go with it), and only the rows whose
/// PID is in the container's cgroup kept. PIDs are host PIDs, as Docker shows them.
/// </summary>
public static partial class ProcessTable
{
    public const string DefaultArguments = "-ef";

    // dockerd refuses a column renamed to something starting with PID ("-o user=PID"): it would hide the real PID column.
    [GeneratedRegex(@"\s+([^\s]*)=\s*(PID[^\s]*)")]
    private static partial Regex RenamedPid();

    /// <summary>Refuses arguments that would rename a column PID (dockerd's <c>validatePSArgs</c>).</summary>
    public static void Validate(string arguments)
    {
        foreach (Match match in RenamedPid().Matches(arguments))
            if (match.Groups[1].Value != "pid")
                throw new InvalidParameterException($"specifying \"{match.Groups[1].Value}={match.Groups[2].Value}\" is not allowed");
    }

    public static async Task<ContainerTopResponse> ListAsync(string arguments, IReadOnlyCollection<int> pids, CancellationToken cancel)
    {
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (ok, output, error) = await RunPsAsync([.. args, "-q", string.Join(',', pids)], cancel);
        if (!ok) (ok, output, error) = await RunPsAsync(args, cancel);
        if (!ok)
        {
            var firstLine = error.Split('\n', 2)[0];
            throw new InvalidParameterException("ps: " + (firstLine.Length > 0 ? firstLine : "exited with an error"));
        }
        return Parse(output, pids);
    }

    /// <summary>Titles from the header; rows whose PID is one of <paramref name="pids"/> (and the thread rows after them).</summary>
    public static ContainerTopResponse Parse(string output, IReadOnlyCollection<int> pids)
    {
        var lines = output.Split('\n');
        var table = new ContainerTopResponse { Titles = Fields(lines[0]) };
        int pidColumn = table.Titles.IndexOf("PID");
        if (pidColumn < 0) throw new InvalidParameterException("Couldn't find PID field in ps output");
        bool previousKept = false;
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var fields = Fields(line);
            if (fields.Count <= pidColumn) continue;
            // With thread options (-L, m) a thread's row shows "-" as PID: it belongs to the process above it.
            if (fields[pidColumn] == "-")
            {
                if (previousKept) table.Processes.Add(Row(fields, table.Titles.Count));
                continue;
            }
            if (!int.TryParse(fields[pidColumn], out int pid))
                throw new InvalidParameterException($"Unexpected pid '{fields[pidColumn]}': not a number");
            previousKept = pids.Contains(pid);
            if (previousKept) table.Processes.Add(Row(fields, table.Titles.Count));
        }
        return table;
    }

    // The last column (CMD) may hold spaces: everything past the titles' count joins it.
    private static List<string> Row(List<string> fields, int columns) =>
        fields.Count <= columns ? fields : [.. fields.Take(columns - 1), string.Join(' ', fields.Skip(columns - 1))];

    private static List<string> Fields(string line) => [.. line.Split([' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries)];

    private static async Task<(bool Ok, string Output, string Error)> RunPsAsync(IEnumerable<string> args, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var ps = Process.Start(start) ?? throw new InvalidOperationException("ps could not be started");
        var output = ps.StandardOutput.ReadToEndAsync(cancel);
        var error = ps.StandardError.ReadToEndAsync(cancel);
        await ps.WaitForExitAsync(cancel);
        return (ps.ExitCode == 0, await output, await error);
    }
}
