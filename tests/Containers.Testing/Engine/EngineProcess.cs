using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Containers.Client;

namespace Containers.Testing;

/// <summary>
/// A real containers-engine process with its own temporary data-root, exec-root, socket and (empty) config file.
/// Started and stopped by tests; disposing stops it with SIGTERM (SIGKILL if it does not stop) and removes its files.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public string Directory { get; }
    public string SocketPath { get; }
    public string DataRoot => Path.Combine(Directory, "data");
    public string ExecRoot => Path.Combine(Directory, "exec");
    public string ConfigFile => Path.Combine(Directory, "daemon.json");
    public int Pid => _process.Id;
    public EngineEndpoint Endpoint => EngineEndpoint.Parse("unix://" + SocketPath);

    /// <summary>Everything the engine wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private readonly bool _ownsDirectory;

    private EngineProcess(string directory, string socketPath, IEnumerable<string> arguments, bool ownsDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        _ownsDirectory = ownsDirectory;
        Directory = directory;
        SocketPath = socketPath;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.EngineDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public static string NewDirectory() => TempDirectory.Create();

    /// <summary>
    /// The standard arguments for a test engine in <paramref name="directory"/>; <paramref name="withSocket"/> false leaves
    /// -H to the caller. The config file is created empty unless a test wrote one.
    /// </summary>
    public static List<string> StandardArguments(string directory, bool withSocket = true)
    {
        System.IO.Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "daemon.json");
        if (!File.Exists(config)) File.WriteAllText(config, "{}");
        // The engine's resolv.conf names only a loopback server, which the embedded DNS leaves out: a name no network
        // knows gets SERVFAIL, and no test's query is ever sent to a resolver outside the machine.
        var resolvConf = Path.Combine(directory, "resolv.conf");
        if (!File.Exists(resolvConf)) File.WriteAllText(resolvConf, "nameserver 127.0.0.1\n");
        var args = new List<string>
        {
            "--data-root", Path.Combine(directory, "data"),
            "--exec-root", Path.Combine(directory, "exec"),
            "--config-file", config,
            "--bridge", BridgeName(directory),
            "--resolv-conf", resolvConf,
        };
        if (withSocket) args.InsertRange(0, ["-H", "unix://" + Path.Combine(directory, "engine.sock")]);
        return args;
    }

    /// <summary>
    /// The default bridge of a test engine in <paramref name="directory"/>: "ct" and 8 hex digits of a hash of the
    /// directory, so parallel test engines never share one and a restarted engine finds its own again.
    /// </summary>
    public static string BridgeName(string directory) =>
        "ct" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(directory))))[..8];

    /// <summary>The Linux bridges this engine's networks have (its default one and its user-defined networks' br-…).</summary>
    public IEnumerable<string> BridgeLinks()
    {
        var names = new List<string> { BridgeName(Directory) };
        var networks = Path.Combine(DataRoot, "networks");
        if (System.IO.Directory.Exists(networks))
            foreach (var file in System.IO.Directory.EnumerateFiles(networks, "*.json"))
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file));
                var root = doc.RootElement;
                var name = root.GetProperty("Name").GetString();
                if (name is "bridge" or "host" or "none") continue;
                names.Add(root.TryGetProperty("Options", out var options) && options.TryGetProperty("com.docker.network.bridge.name", out var given)
                    ? given.GetString()! : "br-" + root.GetProperty("Id").GetString()![..12]);
            }
        return names.Where(n => System.IO.Directory.Exists("/sys/class/net/" + n));
    }

    /// <summary>Deletes the bridges and the firewall table a killed (or live-restore) engine left; a cleanly stopped one left none.</summary>
    public async Task RemoveLeftoverBridgesAsync()
    {
        foreach (var bridge in BridgeLinks().ToList())
            await ProcessRunner.RunAsync("ip", ["link", "del", bridge], null, TimeSpan.FromSeconds(10));
        var table = BridgeName(Directory);
        if ((await ProcessRunner.RunAsync("nft", ["list", "table", "ip", table], null, TimeSpan.FromSeconds(10))).ExitCode == 0)
            await ProcessRunner.RunAsync("nft", ["delete", "table", "ip", table], null, TimeSpan.FromSeconds(10));
    }

    /// <summary>The engine's nftables table as <c>nft list</c> prints it; empty when it has none.</summary>
    public string FirewallTable()
    {
        var result = ProcessRunner.RunAsync("nft", ["list", "table", "ip", BridgeName(Directory)], null, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    /// <summary>Starts an engine and waits until it answers /_ping on its socket.</summary>
    public static async Task<EngineProcess> StartAsync(params string[] extraArguments) =>
        await StartInAsync(NewDirectory(), extraArguments, ownsDirectory: true);

    /// <summary>
    /// Starts an engine in the caller's directory, which stays after the engine stops unless it is owned;
    /// <paramref name="environment"/> adds variables to the engine's (e.g. a crash point's).
    /// </summary>
    public static async Task<EngineProcess> StartInAsync(string directory, IEnumerable<string> extraArguments, bool withSocket = true, bool ownsDirectory = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var engine = Launch(directory, [.. StandardArguments(directory, withSocket), .. extraArguments], ownsDirectory, environment);
        await engine.WaitUntilReadyAsync();
        return engine;
    }

    private static EngineProcess Launch(string directory, List<string> arguments, bool ownsDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var engine = new EngineProcess(directory, Path.Combine(directory, "engine.sock"), arguments, ownsDirectory, environment);
        engine._process.Start();
        engine._process.BeginErrorReadLine();
        engine._process.BeginOutputReadLine();
        return engine;
    }

    /// <summary>Runs an engine that is expected to refuse to start; returns its exit code and output. The directory stays.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string directory, IEnumerable<string> arguments)
    {
        await using var engine = Launch(directory, [.. arguments], ownsDirectory: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await engine._process.WaitForExitAsync(timeout.Token);
        engine._process.WaitForExit(); // drains the redirected streams
        return (engine._process.ExitCode, engine.Output);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        using var client = new ContainersClient(Endpoint);
        while (true)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"engine exited with {_process.ExitCode} before answering:\n{Output}");
            }
            try
            {
                await client.PingAsync();
                return;
            }
            catch (ContainersEngineUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public ContainersClient CreateClient() => new(Endpoint);

    public bool HasExited => _process.HasExited;

    /// <summary>Waits (at most 30 s) for the engine to exit by itself (a crash point, a refused start).</summary>
    public async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
    }

    public int ExitCode => _process.ExitCode;

    public void Signal(int signal) => Posix.Kill(_process.Id, signal);

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited) Signal(Posix.SIGTERM);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Force-removes every container this engine holds, so no test leaves a running process, cgroup or
    /// overlay mount behind when the engine stops (containers outlive their engine by design).</summary>
    public async Task RemoveAllContainersAsync()
    {
        if (_process.HasExited) return;
        using var client = CreateClient();
        foreach (var container in await client.ListContainersAsync(all: true))
        {
            try { await client.RemoveContainerAsync(container.Id, force: true); }
            catch (Exception) { /* already gone, or removed by AutoRemove meanwhile */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            try { await RemoveAllContainersAsync(); }
            catch (Exception) { /* an engine that no longer answers has nothing to remove through */ }
            if (!_process.HasExited) await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        try { await RemoveLeftoverBridgesAsync(); }
        catch (Exception) { /* best effort: the next run's engines use other names */ }
        if (_ownsDirectory) TempDirectory.Delete(Directory);
    }
}

/// <summary>kill(2) and the signal numbers tests send.</summary>
public static partial class Posix
{
    public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public static void Kill(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Leaves a socket file behind with nobody listening, as a crashed engine would.</summary>
    public static void CreateStaleSocket(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
    }
}
