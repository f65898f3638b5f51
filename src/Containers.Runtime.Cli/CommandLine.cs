namespace Containers.Runtime.Cli;

/// <summary>
/// runc-style arguments: global flags before the verb, verb flags and positionals after it, flags as
/// "--name value", "--name=value" or "-n value"; boolean flags take no value.
/// </summary>
internal sealed class CommandLine
{
    public Dictionary<string, string> Flags { get; } = new();
    public List<string> Positionals { get; } = [];
    public string? Verb { get; private set; }

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["-b"] = "bundle", ["-f"] = "force", ["-d"] = "detach", ["-a"] = "all", ["-h"] = "help", ["-t"] = "tty", ["-e"] = "env",
    };

    private static readonly HashSet<string> Booleans =
        ["debug", "systemd-cgroup", "force", "detach", "all", "help", "no-pivot", "no-new-keyring", "rootless", "tty", "version", "keep", "no-subreaper"];

    public static CommandLine Parse(string[] args)
    {
        var cl = new CommandLine();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { cl.AddPositionals(args[(i + 1)..]); break; }
            string? name = a.StartsWith("--") ? a[2..] : Aliases.GetValueOrDefault(a);
            if (name is null)
            {
                if (a.StartsWith('-') && a.Length > 1 && cl.Positionals.Count == 0) throw new UsageException($"unknown flag '{a}'");
                if (cl.Verb is null) cl.Verb = a;
                else
                {
                    cl.Positionals.Add(a);
                    // exec: everything after the container id belongs to the command, flags included.
                    if (cl.Verb is "exec") { cl.AddPositionals(args[(i + 1)..]); break; }
                }
                continue;
            }
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!Booleans.Contains(name))
            {
                if (i + 1 >= args.Length) throw new UsageException($"flag --{name} needs a value");
                value = args[++i];
            }
            string key = (cl.Verb is null ? "global:" : "") + name;
            cl.Flags[key] = cl.Flags.TryGetValue(key, out var prev) && name is "env" ? prev + "\0" + value : value ?? "true";
        }
        return cl;
    }

    private void AddPositionals(IEnumerable<string> rest) => Positionals.AddRange(rest);

    public string? Get(string name) => Flags.GetValueOrDefault(name);
    public string? Global(string name) => Flags.GetValueOrDefault("global:" + name);
    public bool Has(string name) => Flags.TryGetValue(name, out var v) && v is "true" or "1";

    public string Id()
    {
        if (Positionals.Count == 0) throw new UsageException($"\"{Verb}\" requires a container id");
        return Positionals[0];
    }
}

internal sealed class UsageException(string message) : Exception(message);
