using System.Security.Cryptography;
using System.Text.Json;
using Containers.Api;
using Containers.Engine.Errors;

namespace Containers.Engine.Networks;

/// <summary>
/// The network records: one <c>data-root/networks/ID.json</c> per network (the API's shape), each written atomically,
/// so a crash leaves a network whole or absent (a temporary file left beside them is removed when the store opens).
/// The store looks networks up as dockerd does (full ID, then name, then a unique ID prefix) and keeps names unique;
/// Docker's rules are <see cref="NetworkService"/>'s.
/// </summary>
public sealed class NetworkStore
{
    private const string Suffix = ".json";
    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Network> _byId = new(StringComparer.Ordinal);

    public NetworkStore(string dataRoot)
    {
        _root = Path.Combine(dataRoot, "networks");
        Directory.CreateDirectory(_root);
        foreach (var file in Directory.EnumerateFiles(_root))
        {
            if (!file.EndsWith(Suffix, StringComparison.Ordinal)) { File.Delete(file); continue; }
            var network = JsonSerializer.Deserialize(File.ReadAllBytes(file), ApiJson.Context.Network);
            if (network is not null) _byId[network.Id] = network;
        }
    }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public List<Network> List()
    {
        lock (_gate) return _byId.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>dockerd's lookup: full ID, exact name, then a unique ID prefix; none is "network X not found".</summary>
    public Network Find(string idOrName)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(idOrName, out var byId)) return byId;
            if (_byId.Values.FirstOrDefault(n => n.Name == idOrName) is { } byName) return byName;
            var prefixed = idOrName.Length == 0 ? [] : _byId.Values.Where(n => n.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
            return prefixed.Count switch
            {
                1 => prefixed[0],
                0 => throw new NotFoundException($"network {idOrName} not found"),
                _ => throw new InvalidParameterException(
                    $"network {idOrName} is ambiguous ({prefixed.Count} matches found based on ID prefix)"),
            };
        }
    }

    /// <summary>Adds a network built by <paramref name="build"/> from the others (under the lock, so two creates never
    /// take the same name or subnet); a taken name is dockerd's 409.</summary>
    public Network Add(string name, Func<IReadOnlyCollection<Network>, Network> build)
    {
        lock (_gate)
        {
            if (_byId.Values.Any(n => n.Name == name)) throw new ConflictException($"network with name {name} already exists");
            var network = build(_byId.Values);
            AtomicFile.WriteAllBytes(RecordPath(network.Id), JsonSerializer.SerializeToUtf8Bytes(network, ApiJson.Context.Network));
            _byId[network.Id] = network;
            return network;
        }
    }

    /// <summary>Rewrites a network's record (the default bridge's subnet, re-picked at engine start).</summary>
    public void Replace(Network network)
    {
        lock (_gate)
        {
            AtomicFile.WriteAllBytes(RecordPath(network.Id), JsonSerializer.SerializeToUtf8Bytes(network, ApiJson.Context.Network));
            _byId[network.Id] = network;
        }
    }

    /// <summary>Removes a network's record; false when another request removed it first.</summary>
    public bool Remove(string id)
    {
        lock (_gate)
        {
            if (!_byId.Remove(id)) return false;
            File.Delete(RecordPath(id));
            AtomicFile.FsyncDirectory(_root);
            return true;
        }
    }

    private string RecordPath(string id) => Path.Combine(_root, id + Suffix);
}
