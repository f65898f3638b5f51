using System.Diagnostics;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>A real Debian docker-registry on a free loopback port with its own storage directory.</summary>
public sealed class RegistryInstance : IDisposable
{
    private readonly Process _process;
    private readonly TempDir _dir = new();
    private readonly System.Text.StringBuilder _log = new();

    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="authYaml">An "auth:" section (indented two spaces under it), or null for anonymous.</param>
    /// <param name="tls">Certificate and key PEM paths to serve HTTPS, or null for plain HTTP.</param>
    public RegistryInstance(string? authYaml = null, bool schema1 = false, (string Cert, string Key)? tls = null)
    {
        Port = FreePort.Get();
        string config = $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {_dir.Sub("storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            validation:
              manifests:
                urls:
                  allow:
                    - "^http://127[.]0[.]0[.]1:"
            """ + "\n"; // URLs (non-distributable layers) are refused unless allowed
        if (tls is { } t) config = config.Replace($"  addr: 127.0.0.1:{Port}\n", $"  addr: 127.0.0.1:{Port}\n  tls:\n    certificate: {t.Cert}\n    key: {t.Key}\n");
        if (authYaml is not null) config += "auth:\n" + authYaml + "\n";
        if (schema1) config += "compatibility:\n  schema1:\n    enabled: true\n";
        string configPath = System.IO.Path.Combine(_dir.Path, "config.yml");
        File.WriteAllText(configPath, config);
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(configPath);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitUntilListening();
    }

    private void WaitUntilListening()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int i = 0; i < 200; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException("docker-registry exited: " + Log);
            try { http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult().Dispose(); return; }
            // Refused (not listening yet) or, on a loaded machine, no answer within the request's timeout: ask again.
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { Thread.Sleep(50); }
        }
        throw new TimeoutException("docker-registry did not start: " + Log);
    }

    public void Dispose()
    {
        try { _process.Kill(); _process.WaitForExit(); } catch (InvalidOperationException) { }
        _process.Dispose();
        _dir.Dispose();
    }
}
