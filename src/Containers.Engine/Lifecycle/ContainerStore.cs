using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Containers.Engine.Errors;
using Containers.Engine.Host;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// The container records: one directory per container under <c>data-root/containers</c>, the record written atomically,
/// names unique, lookup by full ID, by name, or by a unique ID prefix (Docker's order). A directory without a
/// record is what a crash during create leaves; it is removed when the store opens.
/// </summary>
public sealed partial class ContainerStore
{
    private const string RecordFile = "container.json";

    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContainerRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByName = new(StringComparer.Ordinal);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ValidName();

    public ContainerStore(string dataRoot)
    {
        _root = System.IO.Path.Combine(dataRoot, "containers");
        Directory.CreateDirectory(_root);
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            var path = System.IO.Path.Combine(dir, RecordFile);
            if (!File.Exists(path))
            {
                Directory.Delete(dir, recursive: true);
                continue;
            }
            var record = JsonSerializer.Deserialize(File.ReadAllBytes(path), ContainerRecordJson.Default.ContainerRecord)!;
            _byId[record.Id] = record;
            _idByName[record.Name] = record.Id;
        }
    }

    /// <summary>The directory of one container's files (record, logs, hostname, hosts, resolv.conf).</summary>
    public string DirectoryOf(string id) => System.IO.Path.Combine(_root, id);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Checks a user-chosen name, with or without its leading slash; returns it without the slash.</summary>
    public static string ValidateName(string name)
    {
        var bare = name.StartsWith('/') ? name[1..] : name;
        if (!ValidName().IsMatch(bare))
            throw new InvalidParameterException($"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        return bare;
    }

    /// <summary>
    /// Adds a new container; its name (given or generated) must be free. <paramref name="prepare"/> makes what the
    /// container needs (its snapshot, its files) after the name is taken and before the record is written: a crash
    /// in between leaves a directory without a record, removed at the next open, so a container is complete or gone.
    /// When it throws, the container is forgotten and the exception goes on.
    /// </summary>
    public ContainerRecord Add(ContainerRecord record, string? requestedName, Action<ContainerRecord>? prepare = null)
    {
        lock (_gate)
        {
            record.Name = requestedName is { Length: > 0 }
                ? ValidateName(requestedName)
                : NameGenerator.Generate(_idByName.ContainsKey);
            EnsureNameFree(record.Name);
            Directory.CreateDirectory(DirectoryOf(record.Id));
            _byId[record.Id] = record;
            _idByName[record.Name] = record.Id;
        }
        try
        {
            prepare?.Invoke(record);
            lock (_gate) Write(record);
        }
        catch
        {
            Remove(record.Id);
            throw;
        }
        return record;
    }

    /// <summary>Finds a container by full ID, name (with or without "/"), or unique ID prefix.</summary>
    public ContainerRecord Get(string idOrName) =>
        TryGet(idOrName) ?? throw new NotFoundException($"No such container: {idOrName}");

    public ContainerRecord? TryGet(string idOrName)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(idOrName, out var exact)) return exact;
            var name = idOrName.StartsWith('/') ? idOrName[1..] : idOrName;
            if (_idByName.TryGetValue(name, out var id)) return _byId[id];
            if (idOrName.Length == 0 || !idOrName.All(char.IsAsciiHexDigitLower)) return null;
            var matches = _byId.Keys.Where(k => k.StartsWith(idOrName, StringComparison.Ordinal)).Take(2).ToList();
            return matches.Count switch
            {
                0 => null,
                1 => _byId[matches[0]],
                _ => throw new InvalidParameterException($"Multiple IDs found with provided prefix: {idOrName}"),
            };
        }
    }

    public List<ContainerRecord> List()
    {
        lock (_gate) return [.. _byId.Values.OrderByDescending(r => r.Created)];
    }

    /// <summary>Changes a record under the store's lock and persists it before anyone else can see the change.</summary>
    public ContainerRecord Update(string id, Action<ContainerRecord> change)
    {
        lock (_gate)
        {
            var record = _byId.TryGetValue(id, out var r) ? r : throw new NotFoundException($"No such container: {id}");
            change(record);
            Write(record);
            return record;
        }
    }

    public void Rename(string idOrName, string newName)
    {
        lock (_gate)
        {
            var record = Get(idOrName);
            var bare = ValidateName(newName);
            if (bare == record.Name)
                throw new ConflictException($"Renaming a container with the same name as its current name");
            EnsureNameFree(bare);
            _idByName.Remove(record.Name);
            record.Name = bare;
            _idByName[bare] = record.Id;
            Write(record);
        }
    }

    /// <summary>Forgets a container and deletes its directory (the record first, so a crash leaves only a leftover).</summary>
    public void Remove(string id)
    {
        lock (_gate)
        {
            if (!_byId.Remove(id, out var record)) return;
            _idByName.Remove(record.Name);
            File.Delete(System.IO.Path.Combine(DirectoryOf(id), RecordFile));
            Directory.Delete(DirectoryOf(id), recursive: true);
        }
    }

    /// <summary>
    /// Refuses a requested name that is invalid or taken now, before a create makes anything (its volumes); <see cref="Add"/>
    /// still decides for a name taken meanwhile.
    /// </summary>
    public void CheckNameFree(string? requestedName)
    {
        if (requestedName is not { Length: > 0 }) return;
        var bare = ValidateName(requestedName);
        lock (_gate) EnsureNameFree(bare);
    }

    private void EnsureNameFree(string name)
    {
        if (_idByName.TryGetValue(name, out var owner))
            throw new ConflictException(
                $"Conflict. The container name \"/{name}\" is already in use by container \"{owner}\". You have to remove (or rename) that container to be able to reuse that name.");
    }

    private void Write(ContainerRecord record) =>
        AtomicFile.WriteAllBytes(System.IO.Path.Combine(DirectoryOf(record.Id), RecordFile),
            JsonSerializer.SerializeToUtf8Bytes(record, ContainerRecordJson.Default.ContainerRecord));
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ContainerRecord))]
internal sealed partial class ContainerRecordJson : JsonSerializerContext;
