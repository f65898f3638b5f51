using System.Management.Automation;
using System.Net;
using Containers.Client;
using Containers.PowerShell.Session;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// Base of every cmdlet: runs async client calls synchronously on the pipeline thread, cancels them on Ctrl+C
/// (StopProcessing), and turns engine errors into ErrorRecords with a category that matches the status code.
/// </summary>
public abstract class ContainersCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken CancelToken => _stopping.Token;

    protected static ContainersClient Client => EngineSession.Client;

    protected T Run<T>(Func<CancellationToken, Task<T>> call) => call(CancelToken).GetAwaiter().GetResult();

    protected void Run(Func<CancellationToken, Task> call) => call(CancelToken).GetAwaiter().GetResult();

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

    /// <summary>Engine errors stop the cmdlet with the engine's message, categorised like the status.</summary>
    protected void ThrowTerminating(ContainersEngineException e, object? target) => ThrowTerminatingError(ToErrorRecord(e, target));

    public static ErrorRecord ToErrorRecord(ContainersEngineException e, object? target) =>
        new(e, "Containers." + e.StatusCode, Category(e), target);

    public static ErrorCategory Category(ContainersEngineException e) => e switch
    {
        ContainersEngineUnavailableException => ErrorCategory.ConnectionError,
        _ => e.StatusCode switch
        {
            HttpStatusCode.BadRequest => ErrorCategory.InvalidArgument,
            HttpStatusCode.NotFound => ErrorCategory.ObjectNotFound,
            HttpStatusCode.Conflict => ErrorCategory.ResourceExists,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.NotSpecified,
        },
    };

    protected override void StopProcessing() => _stopping.Cancel();
}
