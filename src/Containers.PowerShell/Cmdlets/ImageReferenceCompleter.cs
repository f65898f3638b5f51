using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Containers.PowerShell.Session;

namespace Containers.PowerShell.Cmdlets;

/// <summary>Tab completion of image references (repo:tag) and short IDs from the engine's image list.</summary>
public sealed class ImageReferenceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        List<Containers.Api.ImageSummary> images;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            images = EngineSession.Client.ListImagesAsync(cancel: timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Client.ContainersEngineException or OperationCanceledException)
        {
            return [];
        }
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return images
            .SelectMany(i => i.RepoTags.Where(t => t != "<none>:<none>").Append(ImageFormat.ShortId(i.Id)))
            .Where(pattern.IsMatch).Distinct().Order(StringComparer.Ordinal)
            .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, name));
    }
}
