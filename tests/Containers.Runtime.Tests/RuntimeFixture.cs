using System.Diagnostics;
using Containers.Runtime.State;
using Microsoft.Win32.SafeHandles;

namespace Containers.Runtime.Tests;

/// <summary>
/// One state root per test, the real containers-runtime binary built next to the tests, and cleanup of every
/// container the test left behind (delete --force removes its cgroup and state).
/// </summary>
public sealed class RuntimeFixture : IDisposable
{
    public string Root { get; } = TempDirectory.Create();
    /// <summary>The binary under test: the one built next to the tests, or CONTAINERS_RUNTIME_BINARY (e.g. the NativeAOT publish).</summary>
    public static string Binary => Environment.GetEnvironmentVariable("CONTAINERS_RUNTIME_BINARY") is { Length: > 0 } b ? b : Path.Combine(AppContext.BaseDirectory, "containers-runtime");
    public List<string> Warnings { get; } = [];
    public ContainerRuntime Runtime { get; }
    private readonly List<string> ids = [];
    private readonly List<TestBundle> bundles = [];
    private readonly string outputDir = TempDirectory.Create();

    public RuntimeFixture() => Runtime = new ContainerRuntime(Root, Binary, w => { lock (Warnings) Warnings.Add(w); });

    public string NewId(string prefix = "t")
    {
        string id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        ids.Add(id);
        return id;
    }

    public TestBundle Bundle(params string[] args)
    {
        var b = new TestBundle(args);
        bundles.Add(b);
        return b;
    }

    public sealed record Result(ExitStatus Exit, string Stdout, string Stderr);

    /// <summary>Runs the bundle in the foreground through the library (create, start, wait, delete) capturing stdout/stderr.</summary>
    public Result Run(TestBundle bundle)
    {
        string id = NewId();
        string outPath = Path.Combine(outputDir, id + ".out"), errPath = Path.Combine(outputDir, id + ".err");
        ExitStatus exit;
        using (var stdout = File.OpenHandle(outPath, FileMode.Create, FileAccess.Write))
        using (var stderr = File.OpenHandle(errPath, FileMode.Create, FileAccess.Write))
        using (var stdin = File.OpenHandle("/dev/null"))
            exit = Runtime.Run(id, bundle.Dir, null, Fd(stdin), Fd(stdout), Fd(stderr));
        return new Result(exit, File.ReadAllText(outPath), File.ReadAllText(errPath));
    }

    /// <summary>Creates (through the library, supervised by a shim) with stdout/stderr to files; returns the file paths.</summary>
    public (string id, string stdoutPath, string stderrPath) Create(TestBundle bundle)
    {
        string id = NewId();
        string outPath = Path.Combine(outputDir, id + ".out"), errPath = Path.Combine(outputDir, id + ".err");
        using var stdout = File.OpenHandle(outPath, FileMode.Create, FileAccess.Write);
        using var stderr = File.OpenHandle(errPath, FileMode.Create, FileAccess.Write);
        using var stdin = File.OpenHandle("/dev/null");
        Runtime.Create(id, bundle.Dir, Fd(stdin), Fd(stdout), Fd(stderr));
        return (id, outPath, errPath);
    }

    private static int Fd(SafeFileHandle h) => (int)h.DangerousGetHandle();

    public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a command with stdout/stderr sent to files (containers keep pipes open long after the CLI exits).</summary>
    public CliResult Exec(string program, params string[] args)
    {
        string tag = Guid.NewGuid().ToString("N");
        string outPath = Path.Combine(outputDir, tag + ".out"), errPath = Path.Combine(outputDir, tag + ".err");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in (string[])["-c", "exec \"$0\" \"$@\" </dev/null >\"$OUT\" 2>\"$ERR\"", program, .. args]) psi.ArgumentList.Add(a);
        psi.Environment["OUT"] = outPath;
        psi.Environment["ERR"] = errPath;
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return new CliResult(p.ExitCode, File.ReadAllText(outPath), File.ReadAllText(errPath));
    }

    /// <summary>containers-runtime --root ROOT ARGS...</summary>
    public CliResult Cli(params string[] args) => Exec(Binary, ["--root", Root, .. args]);

    /// <summary>Waits (up to a minute: a guard, not a timing assertion) until the file contains <paramref name="text"/>.</summary>
    public static string WaitForText(string path, string text)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            string content = File.Exists(path) ? File.ReadAllText(path) : "";
            if (content.Contains(text)) return content;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' never appeared in {path}; it holds: {content}");
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        foreach (var id in ids)
        {
            try { if (new StateStore(Root).Exists(id)) Runtime.Delete(id, force: true); } catch (Exception) { }
        }
        TempDirectory.Delete(Root);
        TempDirectory.Delete(outputDir);
        foreach (var b in bundles) b.Dispose();
    }
}
