using Containers.Images.Content;

namespace Containers.Images.Pull;

/// <summary>OCI image spec ChainID: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).</summary>
public static class ChainId
{
    public static IReadOnlyList<string> Compute(IReadOnlyList<string> diffIds)
    {
        var chain = new List<string>(diffIds.Count);
        foreach (var diff in diffIds)
        {
            Digest.Parse(diff); // validates
            chain.Add(chain.Count == 0 ? diff : Digest.Sha256Of(chain[^1] + " " + diff).ToString());
        }
        return chain;
    }
}
