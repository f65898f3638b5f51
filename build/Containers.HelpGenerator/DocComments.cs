using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Containers.HelpGenerator;

/// <summary>One example of a cmdlet's doc comment: the command line(s) and what they do.</summary>
internal sealed record Example(string Code, IReadOnlyList<string> Remarks);

/// <summary>
/// The compiler's XML documentation file, read the way the module's doc comments are written: a cmdlet's summary holds
/// <c>&lt;para type="synopsis"&gt;</c> and <c>&lt;para type="description"&gt;</c>, its <c>&lt;example&gt;</c>s follow
/// (a <c>&lt;code&gt;</c> and <c>&lt;para&gt;</c>s), and each parameter property has a summary.
/// </summary>
internal sealed partial class DocComments(IReadOnlyDictionary<string, XElement> members)
{
    public static DocComments Load(string path) =>
        new(XDocument.Load(path).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m, StringComparer.Ordinal));

    public string? Synopsis(Type type) => Typed(type, "synopsis").FirstOrDefault();

    public IReadOnlyList<string> Description(Type type) => Typed(type, "description").ToList();

    public IReadOnlyList<Example> Examples(Type type) =>
        Member("T:" + TypeId(type))?.Elements("example").Select(e => new Example(
            Code(e.Elements("code")),
            e.Elements("para").Select(Text).Where(t => t.Length > 0).ToList())).ToList() ?? [];

    /// <summary>The paragraphs of a parameter property's summary.</summary>
    public IReadOnlyList<string> Parameter(System.Reflection.PropertyInfo property) =>
        Member($"P:{TypeId(property.DeclaringType!)}.{property.Name}")?.Element("summary") is { } summary ? Paragraphs(summary) : [];

    private IEnumerable<string> Typed(Type type, string kind) =>
        Member("T:" + TypeId(type))?.Element("summary")?.Elements("para")
            .Where(p => (string?)p.Attribute("type") == kind).Select(Text).Where(t => t.Length > 0) ?? [];

    private XElement? Member(string id) => members.GetValueOrDefault(id);

    private static string TypeId(Type type) => type.FullName!.Replace('+', '.');

    /// <summary>A summary as paragraphs: each &lt;para&gt; one, loose text around them one more.</summary>
    private static List<string> Paragraphs(XElement element)
    {
        var paragraphs = new List<string>();
        var loose = new List<XNode>();
        foreach (var node in element.Nodes())
        {
            if (node is XElement { Name.LocalName: "para" } para)
            {
                Flush();
                paragraphs.Add(Text(para));
            }
            else loose.Add(node);
        }
        Flush();
        return paragraphs.Where(p => p.Length > 0).ToList();

        void Flush()
        {
            if (loose.Count > 0) paragraphs.Add(Text(new XElement("x", loose.Select(Clone))));
            loose.Clear();
        }
    }

    private static XNode Clone(XNode node) => node is XElement e ? new XElement(e) : node is XText t ? new XText(t) : node;

    /// <summary>Prose as one line: inline markup becomes its text, whitespace runs one space.</summary>
    private static string Text(XElement element) => Whitespace().Replace(Inline(element), " ").Trim();

    private static string Inline(XElement element) => string.Concat(element.Nodes().Select(node => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "see" or "seealso" } see => (string?)see.Attribute("langword") ?? CrefName((string?)see.Attribute("cref")) ?? see.Value,
        XElement { Name.LocalName: "paramref" or "typeparamref" } reference => (string?)reference.Attribute("name") ?? "",
        XElement inner => Inline(inner),
        _ => "",
    }));

    private static string? CrefName(string? cref) => cref?[(cref.LastIndexOfAny([':', '.']) + 1)..];

    /// <summary>Example code keeps its lines, without the indentation the compiler adds in the XML file.</summary>
    private static string Code(IEnumerable<XElement> code)
    {
        var lines = string.Join("\n", code.Select(c => c.Value)).Replace("\r\n", "\n").Split('\n').ToList();
        while (lines.Count > 0 && lines[0].Trim().Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        var indent = lines.Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select((l, i) => i == 0 ? l.Trim() : l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
