using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Containers.PowerShell.Tests;

/// <summary>
/// The laid-out module (artifacts/module/Containers) loaded for inspection only: cmdlet types, their attributes and
/// parameters, read through MetadataLoadContext with the PowerShellStandard reference as System.Management.Automation.
/// </summary>
public sealed class ModuleMetadata : IDisposable
{
    public const string Sma = "System.Management.Automation.";

    public string ModuleDirectory { get; }
    public MetadataLoadContext Context { get; }
    public Assembly Module { get; }
    public Assembly Automation { get; }
    public string Manifest { get; }

    public ModuleMetadata()
    {
        string Metadata(string key) => typeof(ModuleMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        ModuleDirectory = Path.GetFullPath(Metadata("ModuleDirectory"));
        var smaPath = Metadata("PowerShellReference");
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(p => !Path.GetFileName(p).Equals("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase))
            .Concat(Directory.GetFiles(ModuleDirectory, "*.dll"))
            .Append(smaPath);
        Context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        Module = Context.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "Containers.PowerShell.dll"));
        Automation = Context.LoadFromAssemblyPath(smaPath);
        Manifest = File.ReadAllText(Path.Combine(ModuleDirectory, "Containers.psd1"));
    }

    /// <summary>Every public class of the module that derives from Cmdlet.</summary>
    public IReadOnlyList<Type> CmdletTypes =>
        Module.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && DerivesFrom(t, Sma + "Cmdlet")).ToList();

    public static bool DerivesFrom(Type type, string baseName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.FullName == baseName) return true;
        return false;
    }

    public static CustomAttributeData? Attribute(MemberInfo member, string name) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Sma + name);

    public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string name) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + name);

    public static T? Named<T>(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => (T?)a.TypedValue.Value).FirstOrDefault();

    /// <summary>"Verb-Noun" of a cmdlet type.</summary>
    public static string CmdletName(Type type)
    {
        var cmdlet = Attribute(type, "CmdletAttribute") ?? throw new InvalidOperationException($"{type} has no [Cmdlet]");
        return $"{cmdlet.ConstructorArguments[0].Value}-{cmdlet.ConstructorArguments[1].Value}";
    }

    /// <summary>PowerShell's approved verbs: the constants of the Verbs* classes of System.Management.Automation.</summary>
    public IReadOnlySet<string> ApprovedVerbs =>
        Automation.GetTypes().Where(t => t.Name.StartsWith("Verbs", StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();

    public string? ManifestValue(string key)
    {
        var match = Regex.Match(Manifest, $@"^\s*{key}\s*=\s*(.+)$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    public void Dispose() => Context.Dispose();
}
