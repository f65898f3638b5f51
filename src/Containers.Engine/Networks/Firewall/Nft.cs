namespace Containers.Engine.Networks.Firewall;

/// <summary>nftables, the one way the engine changes the kernel's firewall: a whole script through ONE <c>nft -f -</c>,
/// which the kernel applies as one transaction (all of it or nothing). A refused script throws with nft's message.</summary>
public static class Nft
{
    public static void Run(string script) => ScriptedTool.Run("nft", ["-f", "-"], script);
}
