using System.Reflection;

namespace Containers.HelpGenerator;

/// <summary>How one parameter binds in one parameter set.</summary>
internal sealed record ParameterBinding(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter: a public property with at least one [Parameter].</summary>
internal sealed record CmdletParameter(
    PropertyInfo Property, IReadOnlyList<ParameterBinding> Bindings, IReadOnlyList<string> Aliases, bool Wildcards,
    IReadOnlyList<string> ValidValues)
{
    public string Name => Property.Name;

    public Type Type => CmdletReader.WithoutNullable(Property.PropertyType);

    public bool IsSwitch => Type.FullName == CmdletReader.Sma + "SwitchParameter";

    public bool IsArray => Type.IsArray;

    /// <summary>The type as help shows it: String[], SwitchParameter, Hashtable.</summary>
    public string ShortTypeName => Type.Name;
}

/// <summary>What help needs to know about one cmdlet class.</summary>
internal sealed record CmdletDefinition(
    Type Type, string Verb, string Noun, string? DefaultSet, bool SupportsShouldProcess,
    IReadOnlyList<CmdletParameter> Parameters, IReadOnlyList<Type> Outputs)
{
    public const string AllSets = "__AllParameterSets";

    public string Name => $"{Verb}-{Noun}";

    /// <summary>The named parameter sets, the default first; one unnamed set when no parameter names a set.</summary>
    public IReadOnlyList<string> ParameterSets
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Bindings).Select(b => b.Set).Where(s => s != AllSets).Distinct()
                .Order(StringComparer.Ordinal).ToList();
            if (named.Count == 0) return [AllSets];
            if (DefaultSet is not null && named.Remove(DefaultSet)) named.Insert(0, DefaultSet);
            return named;
        }
    }

    /// <summary>The parameters of one set in the order PowerShell shows syntax: positional ones by position, then mandatory, then the rest.</summary>
    public IReadOnlyList<(CmdletParameter Parameter, ParameterBinding Binding)> InSet(string set) =>
        Parameters.Select(p => (Parameter: p, Binding: p.Bindings.FirstOrDefault(b => b.Set == set) ?? p.Bindings.FirstOrDefault(b => b.Set == AllSets)))
            .Where(p => p.Binding is not null)
            .Select((p, index) => (p.Parameter, Binding: p.Binding!, index))
            .OrderBy(p => p.Binding.Position ?? int.MaxValue).ThenBy(p => p.Binding.Mandatory ? 0 : 1).ThenBy(p => p.index)
            .Select(p => (p.Parameter, p.Binding)).ToList();
}

/// <summary>The module assembly loaded for inspection only (nothing runs), against what it was compiled with.</summary>
internal sealed class CmdletReader : IDisposable
{
    public const string Sma = "System.Management.Automation.";

    private readonly MetadataLoadContext _context;
    private readonly Assembly _module;

    private CmdletReader(MetadataLoadContext context, Assembly module) => (_context, _module) = (context, module);

    public static CmdletReader Load(string assemblyPath, IEnumerable<string> references)
    {
        var paths = references.Select(Path.GetFullPath).Append(Path.GetFullPath(assemblyPath)).Distinct(StringComparer.Ordinal);
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        return new CmdletReader(context, context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath)));
    }

    /// <summary>Every public, concrete cmdlet class, by name so the help file is the same from build to build.</summary>
    public IReadOnlyList<CmdletDefinition> Cmdlets() =>
        _module.GetTypes()
            .Where(t => t is { IsPublic: true, IsClass: true, IsAbstract: false } && DerivesFrom(t, Sma + "Cmdlet"))
            .Select(Read).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

    private static CmdletDefinition Read(Type type)
    {
        var cmdlet = Attribute(type, "CmdletAttribute") ?? throw new InvalidOperationException($"{type} has no [Cmdlet]");
        var parameters = new List<CmdletParameter>();
        // Declared properties first, then those of the base classes (the container selection of ContainerCmdlet).
        for (var t = type; t is not null && t.FullName?.StartsWith(Sma, StringComparison.Ordinal) != true; t = t.BaseType)
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                if (Read(property) is { } parameter) parameters.Add(parameter);
        var outputs = Attributes(type, "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : [a.Value])
            .OfType<Type>().ToList();
        return new CmdletDefinition(type, (string)cmdlet.ConstructorArguments[0].Value!, (string)cmdlet.ConstructorArguments[1].Value!,
            Named<string>(cmdlet, "DefaultParameterSetName"), Named<bool>(cmdlet, "SupportsShouldProcess"), parameters, outputs);
    }

    private static CmdletParameter? Read(PropertyInfo property)
    {
        var bindings = Attributes(property, "ParameterAttribute").Select(a => new ParameterBinding(
            Named<string>(a, "ParameterSetName") ?? CmdletDefinition.AllSets,
            Named<bool>(a, "Mandatory"),
            a.NamedArguments.Any(n => n.MemberName == "Position") ? Named<int>(a, "Position") : null,
            Named<bool>(a, "ValueFromPipeline"),
            Named<bool>(a, "ValueFromPipelineByPropertyName"))).ToList();
        if (bindings.Count == 0) return null;
        var aliases = Attributes(property, "AliasAttribute").SelectMany(Strings).ToList();
        var type = WithoutNullable(property.PropertyType);
        var element = type.IsArray ? type.GetElementType()! : type;
        var validValues = element.IsEnum
            ? element.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList()
            : Attributes(property, "ValidateSetAttribute").SelectMany(Strings).ToList();
        return new CmdletParameter(property, bindings, aliases, Attribute(property, "SupportsWildcardsAttribute") is not null, validValues);
    }

    /// <summary>T for T? (typeof(Nullable&lt;&gt;) of this runtime is not the one the metadata context loaded).</summary>
    public static Type WithoutNullable(Type type) =>
        type is { IsGenericType: true } && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;

    private static IEnumerable<string> Strings(CustomAttributeData attribute) =>
        attribute.ConstructorArguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> items
            ? items.Select(i => (string)i.Value!) : [(string)a.Value!]);

    private static bool DerivesFrom(Type type, string baseName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.FullName == baseName) return true;
        return false;
    }

    private static CustomAttributeData? Attribute(MemberInfo member, string name) => Attributes(member, name).FirstOrDefault();

    private static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string name) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + name);

    private static T? Named<T>(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(a => a.MemberName == name).Select(a => (T?)a.TypedValue.Value).FirstOrDefault();

    public void Dispose() => _context.Dispose();
}
