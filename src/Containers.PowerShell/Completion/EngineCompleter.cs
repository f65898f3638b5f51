using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>
/// Tab completion from a list the engine gives. Completion runs while the user types: an engine that is down or slow
/// (2 s) completes nothing instead of hanging the prompt or printing an error.
/// </summary>
public abstract class EngineCompleter : IArgumentCompleter
{
    /// <summary>Every value that could complete <paramref name="parameterName"/>.</summary>
    protected abstract Task<IEnumerable<string>> CandidatesAsync(ContainersClient client, string parameterName, CancellationToken cancel);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IEnumerable<string> candidates;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            candidates = CandidatesAsync(EngineSession.Client, parameterName, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ContainersEngineException or OperationCanceledException)
        {
            return [];
        }
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return candidates.Where(pattern.IsMatch).Distinct().Order(StringComparer.Ordinal)
            .Select(text => new CompletionResult(text, text, CompletionResultType.ParameterValue, text));
    }

    /// <summary>The 12-hex-digit ID Docker shows (without the sha256: prefix).</summary>
    public static string ShortId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
