using System.Xml.Linq;

namespace Containers.HelpGenerator;

/// <summary>The help document and what is missing from the doc comments it was written from.</summary>
internal sealed record Help(XDocument Document, IReadOnlyList<string> Problems);

/// <summary>
/// Writes MAML command help, the format Get-Help reads for binary cmdlets (&lt;assembly&gt;-Help.xml in the module
/// folder): details, description, syntax per parameter set, parameters, inputs, outputs, examples, related links.
/// </summary>
internal sealed class MamlWriter(DocComments docs)
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>-WhatIf and -Confirm come from SupportsShouldProcess, not from a property; their text is PowerShell's own.</summary>
    private static readonly (string Name, string Alias, string Description)[] ShouldProcessParameters =
    [
        ("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run."),
        ("Confirm", "cf", "Prompts you for confirmation before running the cmdlet."),
    ];

    private readonly List<string> _problems = [];

    public Help Write(IReadOnlyList<CmdletDefinition> cmdlets)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            cmdlets.Select(Cmdlet));
        return new Help(new XDocument(new XDeclaration("1.0", "utf-8", null), root), _problems);
    }

    private XElement Cmdlet(CmdletDefinition cmdlet)
    {
        var synopsis = docs.Synopsis(cmdlet.Type);
        var description = docs.Description(cmdlet.Type);
        var examples = docs.Examples(cmdlet.Type);
        if (synopsis is null) Problem(cmdlet, "no <para type=\"synopsis\"> in its summary");
        if (description.Count == 0) Problem(cmdlet, "no <para type=\"description\"> in its summary");
        if (examples.Count < 2) Problem(cmdlet, $"{examples.Count} <example> elements, at least 2 wanted");

        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(synopsis is null ? [] : [synopsis])),
            Description(description),
            new XElement(Command + "syntax", cmdlet.ParameterSets.Select(set => SyntaxItem(cmdlet, set))),
            new XElement(Command + "parameters", Parameters(cmdlet)),
            new XElement(Command + "inputTypes", Inputs(cmdlet)),
            new XElement(Command + "returnValues", Outputs(cmdlet)),
            new XElement(Command + "examples", examples.Select((example, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                new XElement(Dev + "code", example.Code),
                new XElement(Dev + "remarks", example.Remarks.Select(Para))))),
            new XElement(Command + "relatedLinks",
                new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", "about_Containers"), new XElement(Maml + "uri"))));
    }

    private XElement SyntaxItem(CmdletDefinition cmdlet, string set) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", cmdlet.Name),
            cmdlet.InSet(set).Select(p => Parameter(p.Parameter, p.Parameter.IsSwitch ? null : p.Binding, [p.Binding], inSyntax: true)),
            ShouldProcess(cmdlet));

    /// <summary>Each parameter once, in the order of the default set and then those only other sets have.</summary>
    private IEnumerable<XElement> Parameters(CmdletDefinition cmdlet)
    {
        var ordered = cmdlet.ParameterSets.SelectMany(cmdlet.InSet).Select(p => p.Parameter).Distinct();
        foreach (var parameter in ordered)
        {
            if (docs.Parameter(parameter.Property).Count == 0) Problem(cmdlet, $"no <summary> on parameter -{parameter.Name}");
            yield return Parameter(parameter, parameter.Bindings[0], parameter.Bindings, inSyntax: false);
        }
        foreach (var element in ShouldProcess(cmdlet)) yield return element;
    }

    private XElement Parameter(CmdletParameter parameter, ParameterBinding? value, IReadOnlyList<ParameterBinding> bindings, bool inSyntax)
    {
        var byValue = bindings.Any(b => b.ByValue);
        var byName = bindings.Any(b => b.ByPropertyName);
        var pipeline = (byValue, byName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        var position = bindings.Select(b => b.Position).FirstOrDefault(p => p is not null);
        return new XElement(Command + "parameter",
            new XAttribute("required", bindings.All(b => b.Mandatory) ? "true" : "false"),
            new XAttribute("variableLength", parameter.IsArray ? "true" : "false"),
            new XAttribute("globbing", parameter.Wildcards ? "true" : "false"),
            new XAttribute("pipelineInput", pipeline),
            new XAttribute("position", position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count > 0 ? string.Join(", ", parameter.Aliases) : "none"),
            new XElement(Maml + "name", parameter.Name),
            Description(docs.Parameter(parameter.Property)),
            parameter.ValidValues.Count > 0 && !inSyntax
                ? new XElement(Command + "parameterValueGroup", parameter.ValidValues.Select(v =>
                    new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v)))
                : null,
            inSyntax && value is null ? null : new XElement(Command + "parameterValue",
                new XAttribute("required", parameter.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", parameter.IsArray ? "true" : "false"), parameter.ShortTypeName),
            inSyntax ? null : new XElement(Dev + "type", new XElement(Maml + "name", parameter.Type.FullName), new XElement(Maml + "uri")),
            inSyntax ? null : new XElement(Dev + "defaultValue", parameter.IsSwitch ? "False" : "None"));
    }

    private static IEnumerable<XElement> ShouldProcess(CmdletDefinition cmdlet) =>
        cmdlet.SupportsShouldProcess
            ? ShouldProcessParameters.Select(p => new XElement(Command + "parameter",
                new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", p.Alias),
                new XElement(Maml + "name", p.Name),
                Description([p.Description]),
                new XElement(Dev + "type", new XElement(Maml + "name", "System.Management.Automation.SwitchParameter"), new XElement(Maml + "uri")),
                new XElement(Dev + "defaultValue", "False")))
            : [];

    /// <summary>One entry per pipeline-bound type, naming the parameters it binds to and how.</summary>
    private static IEnumerable<XElement> Inputs(CmdletDefinition cmdlet)
    {
        var bound = cmdlet.Parameters
            .Select(p => (Parameter: p, ByValue: p.Bindings.Any(b => b.ByValue), ByName: p.Bindings.Any(b => b.ByPropertyName)))
            .Where(p => p.ByValue || p.ByName).ToList();
        if (bound.Count == 0)
        {
            yield return TypeEntry("inputType", "None", "This cmdlet takes no input from the pipeline.");
            yield break;
        }
        foreach (var group in bound.GroupBy(p => p.Parameter.Type.FullName!))
            yield return TypeEntry("inputType", group.Key, string.Join(" ", group.Select(p =>
                $"-{p.Parameter.Name} binds {(p.ByValue ? "the object itself" : "")}{(p.ByValue && p.ByName ? " or " : "")}{(p.ByName ? $"a property named {p.Parameter.Name}{AliasText(p.Parameter)}" : "")}.")));
    }

    private static string AliasText(CmdletParameter parameter) =>
        parameter.Aliases.Count == 0 ? "" : " (or " + string.Join(", ", parameter.Aliases) + ")";

    private static IEnumerable<XElement> Outputs(CmdletDefinition cmdlet)
    {
        var types = cmdlet.Outputs.Where(t => t.FullName != "System.Void").ToList();
        if (types.Count == 0)
            return [TypeEntry("returnValue", "None", "This cmdlet writes no objects.")];
        return types.Select(t => TypeEntry("returnValue", t.FullName!, ""));
    }

    private static XElement TypeEntry(string kind, string name, string description) =>
        new(Command + kind, new XElement(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri")),
            Description(description.Length > 0 ? [description] : []));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", paragraphs.Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);

    private void Problem(CmdletDefinition cmdlet, string what) => _problems.Add($"{cmdlet.Name} ({cmdlet.Type.FullName}) has {what}");
}
