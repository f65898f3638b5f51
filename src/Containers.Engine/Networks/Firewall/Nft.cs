using System.Diagnostics;

namespace Containers.Engine.Networks.Firewall;

/// <summary>nftables, the one way the engine changes the kernel's firewall: a whole script through ONE <c>nft -f -</c>,
/// which the kernel applies as one transaction (all of it or nothing). A refused script throws with nft's message.</summary>
public static class Nft
{
    public static void Run(string script)
    {
        var start = new ProcessStartInfo("nft")
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add("-");
        Process? started;
        try { started = Process.Start(start); }
        catch (System.ComponentModel.Win32Exception e) { throw new IOException($"cannot run nft: {e.Message}", e); }
        using var nft = started ?? throw new IOException("cannot run nft");
        var errors = nft.StandardError.ReadToEndAsync();
        var output = nft.StandardOutput.ReadToEndAsync();
        nft.StandardInput.Write(script);
        nft.StandardInput.Close();
        nft.WaitForExit();
        if (nft.ExitCode != 0)
            throw new IOException($"nft -f - failed: {errors.GetAwaiter().GetResult().Trim()} {output.GetAwaiter().GetResult().Trim()}".TrimEnd());
    }
}
