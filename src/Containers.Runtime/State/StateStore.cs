using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Runtime.Spec;

namespace Containers.Runtime.State;

/// <summary>
/// The state directory under --root (default /run/containers-runtime), one sub-directory per container
/// holding state.json (the record), exec.fifo (present between create and start) and exit.json.
/// </summary>
public sealed partial class StateStore(string root)
{
    public const string DefaultRoot = "/run/containers-runtime";
    public string Root { get; } = root;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$")]
    private static partial Regex IdPattern();

    public static void ValidateId(string id)
    {
        if (!IdPattern().IsMatch(id)) throw new ArgumentException($"invalid container id '{id}': use letters, digits, '_', '.', '+', '-' (at most 128)", nameof(id));
    }

    public string Dir(string id) { ValidateId(id); return Path.Combine(Root, id); }
    public string FifoPath(string id) => Path.Combine(Dir(id), "exec.fifo");
    private string RecordPath(string id) => Path.Combine(Dir(id), "state.json");
    private string ExitPath(string id) => Path.Combine(Dir(id), "exit.json");

    public bool Exists(string id) => File.Exists(RecordPath(id));

    public IEnumerable<string> List() =>
        Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)).Where(n => File.Exists(Path.Combine(Root, n, "state.json")))
        : [];

    /// <summary>Creates the container's directory; fails if the id is taken.</summary>
    public string Reserve(string id)
    {
        string dir = Dir(id);
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Directory.Exists(dir)) throw new ContainerExistsException(id);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    public ContainerRecord Load(string id)
    {
        string path = RecordPath(id);
        if (!File.Exists(path)) throw new ContainerNotFoundException(id);
        try { return StateJson.ReadRecord(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        { throw new IOException($"{path}: corrupt state: {e.Message}", e); }
    }

    public void Save(ContainerRecord record) => AtomicFile.WriteAllBytes(RecordPath(record.Id), StateJson.Write(record));

    public ExitStatus? LoadExit(string id)
    {
        string path = ExitPath(id);
        return File.Exists(path) ? StateJson.ReadExit(File.ReadAllBytes(path)) : null;
    }

    public void SaveExit(string id, ExitStatus exit) => AtomicFile.WriteAllBytes(ExitPath(id), StateJson.Write(exit));

    public void Remove(string id)
    {
        string dir = Dir(id);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}

public sealed class ContainerNotFoundException(string id) : Exception($"container '{id}' does not exist")
{
    public string Id { get; } = id;
}

public sealed class ContainerExistsException(string id) : Exception($"container '{id}' already exists")
{
    public string Id { get; } = id;
}

/// <summary>The operation is not allowed in the container's current status (e.g. start of a running container).</summary>
public sealed class InvalidContainerStateException(string id, string status, string operation)
    : Exception($"cannot {operation} container '{id}': it is {status}");
