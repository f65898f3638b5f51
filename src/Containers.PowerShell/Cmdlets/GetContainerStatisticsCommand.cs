using System.Management.Automation;
using System.Threading.Channels;
using Containers.Client;
using Containers.PowerShell.Types;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the resource usage of containers (CPU, memory, network, block I/O, processes), like <c>docker stats</c>.</para>
/// <para type="description">Writes a ContainerStatistics object per container (Container, CpuPercent, MemoryUsage,
/// MemoryLimit, MemoryPercent, NetworkRx, NetworkTx, BlockRead, BlockWrite, Pids, Read), with the figures computed as
/// docker stats computes its columns, and shown in a table like docker stats --no-stream. Without a name it reports
/// every running container (-All: every container). The engine takes two samples a second apart for the CPU figure,
/// for all the containers at once. -Stream writes one object per container every second until Ctrl+C (or until
/// Select-Object -First has what it wants), like docker stats without --no-stream; a container that is removed drops
/// out of the stream.</para>
/// </summary>
/// <example><code>Get-ContainerStatistics</code><para>Shows the usage of every running container, as docker stats --no-stream does.</para></example>
/// <example><code>Get-ContainerStatistics web | Select-Object Container, CpuPercent, MemoryUsage</code><para>The CPU and
/// memory use of the container web as numbers.</para></example>
/// <example><code>Get-ContainerStatistics web -Stream | Where-Object CpuPercent -gt 80 | Select-Object -First 1</code><para>Waits
/// until web uses more than 80% of a CPU.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerStatistics", DefaultParameterSetName = Running)]
[OutputType(typeof(ContainerStatistics))]
public sealed class GetContainerStatisticsCommand : ContainerCmdlet
{
    private const string Running = "Running";
    private readonly List<string> _containers = [];

    /// <summary>Report every container, the stopped ones too (docker stats --all); without it, the running ones.</summary>
    [Parameter(ParameterSetName = Running)]
    public SwitchParameter All { get; set; }

    /// <summary>Write a new sample per container every second until stopped, instead of one.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    // The containers are gathered first, so that they are all sampled at once (each sample takes the engine a second).
    protected override void ProcessRecord()
    {
        if (ParameterSetName == Running)
        {
            try
            {
                _containers.AddRange(Run(cancel => Client.ListContainersAsync(All, cancel: cancel)).Select(c => c.Id));
            }
            catch (ContainersEngineException e)
            {
                ThrowTerminating(e, null);
            }
        }
        else
        {
            _containers.AddRange(SelectedContainers());
        }
    }

    protected override void EndProcessing()
    {
        if (_containers.Count == 0) return;
        try
        {
            Run(cancel => Stream ? WriteStreamAsync(cancel) : WriteOnceAsync(cancel));
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private async Task WriteOnceAsync(CancellationToken cancel)
    {
        var samples = _containers.Distinct().Select(id => Sample(() => Client.GetContainerStatsAsync(id, cancel: cancel))).ToList();
        foreach (var (id, sample) in _containers.Distinct().Zip(samples)) Write(id, await sample);
    }

    /// <summary>Every container's stream into one channel, written as the samples come.</summary>
    private async Task WriteStreamAsync(CancellationToken cancel)
    {
        var samples = Channel.CreateUnbounded<(string Id, Result Sample)>();
        var readers = _containers.Distinct().Select(id => Task.Run(async () =>
        {
            try
            {
                await foreach (var sample in Client.StreamContainerStatsAsync(id, cancel)) await samples.Writer.WriteAsync((id, new Result(sample, null)), cancel);
            }
            catch (ContainersEngineException e)
            {
                await samples.Writer.WriteAsync((id, new Result(null, e)), cancel);
            }
        }, cancel)).ToList();
        _ = Task.WhenAll(readers).ContinueWith(done => samples.Writer.TryComplete(done.Exception?.GetBaseException()), TaskScheduler.Default);
        await foreach (var (id, sample) in samples.Reader.ReadAllAsync(cancel)) Write(id, sample);
    }

    private sealed record Result(Api.ContainerStatsResponse? Sample, ContainersEngineException? Error);

    private static async Task<Result> Sample(Func<Task<Api.ContainerStatsResponse>> take)
    {
        try
        {
            return new Result(await take(), null);
        }
        catch (ContainersEngineException e)
        {
            return new Result(null, e);
        }
    }

    private void Write(string id, Result result)
    {
        if (result.Error is not null) WriteError(ToErrorRecord(result.Error, id));
        else WriteObject(ContainerStatistics.FromSample(result.Sample!, id));
    }
}
