using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Containers.Engine.Configuration;

/// <summary>
/// Builds <see cref="EngineSettings"/> from dockerd-style flags and the daemon.json file, with dockerd's rules:
/// a setting given both ways is an error naming it, an unknown file key is an error naming it,
/// and a missing config file is fine only when it is the default one.
/// </summary>
public static class SettingsLoader
{
    /// <summary>What the command line asked for besides settings.</summary>
    public enum Command { Run, Help, Version }

    public static (Command Command, EngineSettings Settings) Load(IReadOnlyList<string> args)
    {
        var (command, flagValues, configFile) = ParseFlags(args);
        var settings = new EngineSettings();
        if (command != Command.Run) return (command, settings);

        var explicitConfig = configFile is not null;
        settings.ConfigFile = configFile ?? EngineSettings.DefaultConfigFile;
        var fileValues = ReadConfigFile(settings.ConfigFile, mustExist: explicitConfig);

        var conflicts = flagValues.Keys.Intersect(fileValues.Keys).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (conflicts.Count > 0)
        {
            var detail = string.Join(", ", conflicts.Select(k =>
                $"{k}: (from flag: {Show(flagValues[k])}, from file: {Show(fileValues[k])})"));
            throw new EngineStartupException(
                $"unable to configure the engine with file {settings.ConfigFile}: the following directives are specified both as a flag and in the configuration file: {detail}");
        }

        foreach (var (key, value) in fileValues.Concat(flagValues))
            SettingKeys.ByKey(key)!.Apply(settings, value);
        Validate(settings);
        return (command, settings);
    }

    private static (Command, Dictionary<string, object>, string?) ParseFlags(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        string? configFile = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") return (Command.Help, values, null);
            if (arg is "-v" or "--version") return (Command.Version, values, null);

            var (flag, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=')
                ? (arg[..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..])
                : (arg, null);

            string TakeValue()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new EngineStartupException($"flag needs an argument: {flag}");
                return args[++i];
            }

            if (flag == "--config-file")
            {
                configFile = TakeValue();
                continue;
            }
            var setting = SettingKeys.ByFlag(flag)
                ?? throw new EngineStartupException($"unknown flag: {flag} (see --help)");
            switch (setting.Kind)
            {
                case SettingKind.Bool:
                    values[setting.Key] = inline is null || ParseBool(flag, inline);
                    break;
                case SettingKind.Int:
                    values[setting.Key] = ParseInt(flag, TakeValue());
                    break;
                case SettingKind.String:
                    values[setting.Key] = TakeValue();
                    break;
                case SettingKind.List:
                    if (!values.TryGetValue(setting.Key, out var list)) values[setting.Key] = list = new List<string>();
                    ((List<string>)list).Add(TakeValue());
                    break;
                case SettingKind.Map:
                    if (!values.TryGetValue(setting.Key, out var map)) values[setting.Key] = map = new Dictionary<string, string>();
                    var pair = TakeValue();
                    var eq = pair.IndexOf('=');
                    if (eq <= 0) throw new EngineStartupException($"invalid value \"{pair}\" for flag {flag}: expected KEY=VALUE");
                    ((Dictionary<string, string>)map)[pair[..eq]] = pair[(eq + 1)..];
                    break;
            }
        }
        return (Command.Run, values, configFile);
    }

    private static Dictionary<string, object> ReadConfigFile(string path, bool mustExist)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            if (mustExist) throw new EngineStartupException($"unable to configure the engine with file {path}: open {path}: no such file or directory");
            return values;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new EngineStartupException($"unable to configure the engine with file {path}: invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new EngineStartupException($"unable to configure the engine with file {path}: the top level must be a JSON object");

            var unknown = doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => SettingKeys.ByKey(n) is null).ToList();
            if (unknown.Count > 0)
                throw new EngineStartupException($"unable to configure the engine with file {path}: the following directives don't match any configuration option: {string.Join(", ", unknown)}");

            foreach (var property in doc.RootElement.EnumerateObject())
                values[property.Name] = ConvertFileValue(path, SettingKeys.ByKey(property.Name)!, property.Value);
        }
        return values;
    }

    private static object ConvertFileValue(string path, SettingKey key, JsonElement value)
    {
        EngineStartupException Wrong(string expected) =>
            new($"unable to configure the engine with file {path}: invalid value for \"{key.Key}\": expected {expected}, got {value.ValueKind.ToString().ToLowerInvariant()}");
        switch (key.Kind)
        {
            case SettingKind.Bool:
                return value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Wrong("a boolean") };
            case SettingKind.Int:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : throw Wrong("an integer");
            case SettingKind.String:
                return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Wrong("a string");
            case SettingKind.List:
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    throw Wrong("an array of strings");
                return value.EnumerateArray().Select(e => e.GetString()!).ToList();
            default:
                if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    throw Wrong("an object of strings");
                return value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
    }

    private static void Validate(EngineSettings s)
    {
        if (s.MaxConcurrentDownloads < 1)
            throw new EngineStartupException($"invalid max-concurrent-downloads {s.MaxConcurrentDownloads}: must be at least 1");
        if (!Path.IsPathRooted(s.DataRoot)) throw new EngineStartupException($"data-root must be an absolute path: {s.DataRoot}");
        if (!Path.IsPathRooted(s.ExecRoot)) throw new EngineStartupException($"exec-root must be an absolute path: {s.ExecRoot}");
        if (s.LogDriver is not ("json-file" or "none"))
            throw new EngineStartupException($"unsupported log-driver \"{s.LogDriver}\": supported drivers are json-file and none");
        if (s.StorageDriver is not (null or "overlay" or "overlay2" or "overlayfs" or "native" or "vfs"))
            throw new EngineStartupException($"unsupported storage-driver \"{s.StorageDriver}\": supported drivers are overlayfs and native");
        // A Linux interface name: 1 to 15 bytes, no '/', no whitespace, not "." or "..".
        if (s.Bridge.Length is 0 or > 15 || s.Bridge is "." or ".." || s.Bridge.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || c > 126))
            throw new EngineStartupException($"invalid bridge name \"{s.Bridge}\": an interface name has 1 to 15 characters, without '/', ':' or spaces");
        if (s.TlsVerify) s.Tls = true;
    }

    private static bool ParseBool(string flag, string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new EngineStartupException($"invalid boolean value \"{text}\" for flag {flag}"),
    };

    private static int ParseInt(string flag, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new EngineStartupException($"invalid integer value \"{text}\" for flag {flag}");

    private static string Show(object value) => value switch
    {
        List<string> list => "[" + string.Join(" ", list) + "]",
        Dictionary<string, string> map => "map[" + string.Join(" ", map.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}")) + "]",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string HelpText()
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: containers-engine [OPTIONS]");
        text.AppendLine();
        text.AppendLine("A container engine that speaks the Docker Engine API.");
        text.AppendLine();
        text.AppendLine("Options:");
        text.AppendLine("      --config-file string   Daemon configuration file (default \"/etc/containers-engine/daemon.json\")");
        foreach (var key in SettingKeys.All)
            text.AppendLine($"  {string.Join(", ", key.Flags),-24} {DescribeKind(key.Kind)} (daemon.json: \"{key.Key}\")");
        text.AppendLine("  -h, --help                 Print usage");
        text.AppendLine("  -v, --version              Print version information and quit");
        return text.ToString();
    }

    private static string DescribeKind(SettingKind kind) => kind switch
    {
        SettingKind.Bool => "bool  ",
        SettingKind.Int => "int   ",
        SettingKind.List => "list  ",
        SettingKind.Map => "map   ",
        _ => "string",
    };
}
