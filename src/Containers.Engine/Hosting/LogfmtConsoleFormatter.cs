using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Containers.Engine.Hosting;

/// <summary>
/// Writes one structured line per log entry, in the logfmt style dockerd uses:
/// <c>time="..." level=info msg="API listen on /run/containers-engine.sock" path=/run/containers-engine.sock</c>.
/// The message template's named values become fields, so the lines stay greppable and machine-readable.
/// </summary>
public sealed class LogfmtConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "logfmt";

    public override void Write<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter writer)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        var line = new StringBuilder(128);
        line.Append("time=\"").Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ")).Append("\" level=")
            .Append(Level(entry.LogLevel)).Append(" msg=");
        AppendValue(line, message);
        if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            foreach (var (key, value) in fields)
            {
                if (key == "{OriginalFormat}") continue;
                line.Append(' ').Append(key).Append('=');
                AppendValue(line, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
        }
        line.Append(" module=");
        AppendValue(line, entry.Category);
        if (entry.Exception is not null)
        {
            line.Append(" error=");
            AppendValue(line, entry.Exception.GetType().Name + ": " + entry.Exception.Message);
        }
        writer.WriteLine(line.ToString());
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "fatal",
    };

    private static void AppendValue(StringBuilder line, string value)
    {
        var plain = value.Length > 0 && value.All(c => c > ' ' && c != '"' && c != '=' && c != '\\');
        if (plain)
        {
            line.Append(value);
            return;
        }
        line.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': line.Append("\\\""); break;
                case '\\': line.Append("\\\\"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                case '\t': line.Append("\\t"); break;
                default: line.Append(c); break;
            }
        }
        line.Append('"');
    }
}
