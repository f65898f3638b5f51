using System.Text.Json;
using Containers.Runtime;
using Containers.Runtime.Cli;
using Containers.Runtime.Init;
using Containers.Runtime.Spec;
using Containers.Runtime.State;
using Containers.Runtime.Supervision;

// containers-runtime: runc's command line over Containers.Runtime. Hidden verbs: "init" (the container's first
// process, see ContainerInit) and "shim" (the per-container supervisor, see Shim).
// Start-up guard: refuse an architecture we have no syscall numbers or seccomp profile for, before any stage runs.
try { Containers.Interop.Arch.EnsureSupported(); }
catch (PlatformNotSupportedException e) { Console.Error.WriteLine($"containers-runtime: {e.Message}"); return 1; }
if (args.Length > 0 && args[0] == "init") return ContainerInit.Run(args[1], args[2], args.Length > 3 ? args[3] : null);
if (args.Length > 0 && args[0] == "shim") return Shim.Run(args, Environment.ProcessPath!);
if (args.Length > 0 && args[0] == "exec-init") return ContainerInit.RunExec(args[1], args[2], args[3], args.Length > 4 ? args[4] : null);
if (args.Length > 0 && args[0] == "reap") return Shim.Reap(args);

CommandLine cl;
try { cl = CommandLine.Parse(args); }
catch (UsageException e) { Console.Error.WriteLine($"containers-runtime: {e.Message}"); return 2; }

string root = cl.Global("root") ?? StateStore.DefaultRoot;
string? logFile = cl.Global("log");
bool jsonLog = cl.Global("log-format") == "json";
void Log(string level, string message)
{
    string line = jsonLog ? JsonLogLine(level, message) : $"containers-runtime: {level}: {message}";
    if (logFile is not null) File.AppendAllText(logFile, line + "\n");
    if (logFile is null || level == "error") Console.Error.WriteLine(jsonLog && logFile is not null ? $"containers-runtime: {message}" : line);
}
if (cl.Has("no-pivot")) Environment.SetEnvironmentVariable("CONTAINERS_RUNTIME_NO_PIVOT", "1");
var runtime = new ContainerRuntime(root, Environment.ProcessPath, m => Log("warning", m));

try
{
    switch (cl.Verb)
    {
        case null or "help":
            Console.WriteLine("usage: containers-runtime [--root DIR] [--log FILE] [--log-format text|json] COMMAND [flags] [ID]\n" +
                "commands: spec create start run state kill delete ps pause resume list features");
            return cl.Verb is null ? 2 : 0;
        case "--version" or "version":
            Console.WriteLine("containers-runtime version 0.1.0\nspec: 1.0.2-dev");
            return 0;
        case "spec":
            ContainerRuntime.WriteDefaultSpec(cl.Get("bundle") ?? ".");
            return 0;
        case "features":
            Console.WriteLine(ContainerRuntime.FeaturesJson());
            return 0;
        case "create":
            runtime.Create(cl.Id(), cl.Get("bundle") ?? ".", pidFile: cl.Get("pid-file"), consoleSocket: cl.Get("console-socket"));
            return 0;
        case "start":
            runtime.Start(cl.Id());
            return 0;
        case "run":
        {
            string id = cl.Id();
            if (cl.Has("detach"))
            {
                runtime.Create(id, cl.Get("bundle") ?? ".", pidFile: cl.Get("pid-file"), consoleSocket: cl.Get("console-socket"));
                runtime.Start(id);
                return 0;
            }
            return runtime.Run(id, cl.Get("bundle") ?? ".", cl.Get("pid-file")).ExitCode;
        }
        case "state":
            Console.WriteLine(JsonSerializer.Serialize(runtime.State(cl.Id()), CliJson.Default.ContainerState));
            return 0;
        case "list":
            Console.WriteLine($"{"ID",-20} {"PID",-8} {"STATUS",-10} {"BUNDLE",-40} CREATED");
            foreach (var s in runtime.List()) Console.WriteLine($"{s.Id,-20} {s.Pid,-8} {s.Status,-10} {s.Bundle,-40} {s.Created:O}");
            return 0;
        case "kill":
        {
            string id = cl.Id();
            int signal = cl.Positionals.Count > 1 ? ParseSignal(cl.Positionals[1]) : 15;
            runtime.Kill(id, signal, all: cl.Has("all"));
            return 0;
        }
        case "delete":
        {
            string id = cl.Id();
            if (!new StateStore(root).Exists(id) && cl.Has("force")) return 0; // runc: delete --force of a missing container succeeds
            runtime.Delete(id, cl.Has("force"));
            return 0;
        }
        case "pause":
            runtime.Pause(cl.Id());
            return 0;
        case "resume":
            runtime.Resume(cl.Id());
            return 0;
        case "ps":
        {
            var pids = runtime.Pids(cl.Id());
            if (cl.Get("format") == "json") Console.WriteLine(JsonSerializer.Serialize(pids, CliJson.Default.ListInt32));
            else
            {
                Console.WriteLine("PID CMD");
                foreach (var pid in pids)
                {
                    string cmd = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim() : "";
                    Console.WriteLine($"{pid} {cmd}");
                }
            }
            return 0;
        }
        case "exec":
        {
            string id = cl.Id();
            ProcessSpec process;
            if (cl.Get("process") is { } processFile)
                process = JsonSerializer.Deserialize(File.ReadAllBytes(processFile), CliJson.Default.ProcessSpec)
                    ?? throw new UsageException($"{processFile}: empty process");
            else
            {
                process = runtime.ContainerProcess(id);
                process.Terminal = cl.Has("tty");
                process.Args = cl.Positionals.Skip(1).ToList();
                if (process.Args.Count == 0) throw new UsageException("exec needs a command after the container id");
                if (cl.Get("cwd") is { } cwd) process.Cwd = cwd;
                if (cl.Get("env") is { } env) process.Env = [.. process.Env ?? [], .. env.Split('\0')];
                if (cl.Get("user") is { } user)
                {
                    var parts = user.Split(':');
                    if (!uint.TryParse(parts[0], out uint uid) || (parts.Length > 1 && !uint.TryParse(parts[1], out _)))
                        throw new UsageException($"--user '{user}' must be UID[:GID]");
                    process.User = new UserSpec { Uid = uid, Gid = parts.Length > 1 ? uint.Parse(parts[1]) : 0 };
                }
            }
            // As runc: a terminal needs --console-socket, which receives the pty master.
            if (process.Terminal && cl.Get("console-socket") is null) throw new UsageException("exec with a terminal needs --console-socket");
            int pid = runtime.Exec(id, process, consoleSocket: cl.Get("console-socket"));
            if (cl.Get("pid-file") is { } pidFile) File.WriteAllText(pidFile, pid.ToString());
            if (cl.Has("detach")) return 0;
            return ContainerRuntime.WaitProcess(pid).ExitCode;
        }
        default:
            throw new UsageException($"unknown command '{cl.Verb}'");
    }
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Log("error", e.Message);
    return e is UsageException ? 2 : 1;
}

// One JSON object per line, as runc writes and containerd's shim parses: {"level":..,"msg":..,"time":..}.
static string JsonLogLine(string level, string message)
{
    var buffer = new System.Buffers.ArrayBufferWriter<byte>();
    using (var w = new Utf8JsonWriter(buffer))
    {
        w.WriteStartObject();
        w.WriteString("level", level);
        w.WriteString("msg", message);
        w.WriteString("time", DateTime.UtcNow);
        w.WriteEndObject();
    }
    return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
}

static int ParseSignal(string text)
{
    try { return Signals.Parse(text); }
    catch (ArgumentException) { throw new UsageException($"unknown signal '{text}'"); }
}
