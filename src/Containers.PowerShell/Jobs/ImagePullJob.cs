using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Jobs;

/// <summary>
/// <c>Invoke-ImagePull -AsJob</c>: the pulls run in the background, one after the other, and the job's streams
/// collect what the foreground cmdlet would write (the images as Output, per-layer Progress, an Error per failed
/// reference), so Receive-Job, Wait-Job and Stop-Job work as with any PowerShell job. The job's collections are
/// thread-safe, which is why filling them from the background task is allowed, unlike a cmdlet's Write*.
/// </summary>
public sealed class ImagePullJob : Job
{
    private readonly IReadOnlyList<ImagePullOperation> _pulls;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _location;

    internal ImagePullJob(string command, IReadOnlyList<ImagePullOperation> pulls, string location) : base(command)
    {
        _pulls = pulls;
        _location = location;
        PSJobTypeName = "ContainerImagePull";
    }

    public override string StatusMessage => "";

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0;

    public override string Location => _location;

    internal void Start()
    {
        SetJobState(JobState.Running);
        _ = Task.Run(RunAsync);
    }

    public override void StopJob()
    {
        _stop.Cancel();
        Finished.WaitOne();
    }

    private async Task RunAsync()
    {
        var failed = false;
        foreach (var pull in _pulls)
        {
            try
            {
                Output.Add(PSObject.AsPSObject(await pull.RunAsync(Progress.Add, _stop.Token)));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                SetJobState(JobState.Stopped);
                return;
            }
            catch (ContainersEngineException e)
            {
                Error.Add(EngineErrors.ToErrorRecord(e, "Image", pull.Reference));
                failed = true;
            }
        }
        SetJobState(failed ? JobState.Failed : JobState.Completed);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _stop.Dispose();
        base.Dispose(disposing);
    }
}
