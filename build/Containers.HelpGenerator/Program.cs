using Containers.HelpGenerator;

// Containers.HelpGenerator <module assembly> <documentation xml> <reference list> <help xml to write>
// The reference list holds one assembly path a line: what the module was compiled against (reference assemblies and
// System.Management.Automation), so MetadataLoadContext can resolve every type the cmdlets name.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Containers.HelpGenerator <module.dll> <module.xml> <references.txt> <output-Help.xml>");
    return 2;
}
var (assemblyPath, documentationPath, referenceList, outputPath) = (args[0], args[1], args[2], args[3]);

var references = File.ReadAllLines(referenceList).Where(line => line.Length > 0);
using var module = CmdletReader.Load(assemblyPath, references);
var documentation = DocComments.Load(documentationPath);
var cmdlets = module.Cmdlets();
var help = new MamlWriter(documentation).Write(cmdlets);

// Missing help is reported as a build warning at the cmdlet's source (MSBuild reads "file: warning CODE: text").
foreach (var problem in help.Problems) Console.WriteLine($"{assemblyPath}: warning CHELP001: {problem}");

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
using (var writer = System.Xml.XmlWriter.Create(outputPath, new System.Xml.XmlWriterSettings
       { Indent = true, Encoding = new System.Text.UTF8Encoding(false), NewLineChars = "\n" }))
    help.Document.Save(writer);
Console.WriteLine($"Containers.HelpGenerator: {cmdlets.Count} cmdlets -> {outputPath}");
return 0;
