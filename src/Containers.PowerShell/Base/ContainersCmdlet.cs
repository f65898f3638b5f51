using System.Management.Automation;
using Containers.Client;
using Containers.PowerShell.Session;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of every cmdlet: runs async client calls on the pipeline thread (so the Write* calls inside them are
/// allowed), cancels them on Ctrl+C (StopProcessing), and turns engine errors into ErrorRecords with a stable error
/// ID and a category that matches the status code.
/// </summary>
public abstract class ContainersCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken CancelToken => _stopping.Token;

    protected static ContainersClient Client => EngineSession.Client;

    /// <summary>What the cmdlet's targets are, for error IDs such as <c>ContainerNotFound</c>.</summary>
    protected virtual string TargetNoun => "Object";

    /// <summary>Runs an async call to completion on the pipeline thread; the call may Write* as it goes.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> call) => PipelineThread.Run(() => call(CancelToken));

    /// <inheritdoc cref="Run{T}"/>
    protected void Run(Func<CancellationToken, Task> call) => PipelineThread.Run(() => call(CancelToken));

    /// <summary>Runs one item's work; an engine error becomes a non-terminating error for that item only.</summary>
    protected void ForItem(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (ContainersEngineException e)
        {
            WriteError(ToErrorRecord(e, target));
        }
    }

    /// <summary>
    /// What a <c>-Name</c> parameter selects: each exact name as given (the engine resolves it, so it may also be an ID),
    /// and for each name with wildcards the references <paramref name="matching"/> finds in the engine's list, which is
    /// fetched once, when the first wildcard needs it; a wildcard that matches nothing selects nothing.
    /// </summary>
    protected IEnumerable<string> ExpandNames<T>(IEnumerable<string> names, Func<CancellationToken, Task<List<T>>> list,
        Func<List<T>, string, IEnumerable<string>> matching)
    {
        List<T>? all = null;
        foreach (var name in names)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                yield return name;
                continue;
            }
            try
            {
                all ??= Run(list);
            }
            catch (ContainersEngineException e)
            {
                ThrowTerminating(e, name);
            }
            foreach (var match in matching(all!, name)) yield return match;
        }
    }

    /// <summary>Engine errors stop the cmdlet with the engine's message, categorised like the status.</summary>
    protected void ThrowTerminating(ContainersEngineException e, object? target) => ThrowTerminatingError(ToErrorRecord(e, target));

    protected ErrorRecord ToErrorRecord(ContainersEngineException e, object? target) => EngineErrors.ToErrorRecord(e, TargetNoun, target);

    /// <summary>The same for an error the cmdlet finds itself (for example no container matches a name).</summary>
    protected ErrorRecord NotFound(string message, object? target) =>
        new(new ItemNotFoundException(message), TargetNoun + "NotFound", ErrorCategory.ObjectNotFound, target);

    protected override void StopProcessing() => _stopping.Cancel();
}
