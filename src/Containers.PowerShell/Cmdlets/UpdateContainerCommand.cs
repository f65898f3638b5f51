using System.Management.Automation;
using Containers.Api;
using Containers.Client;
using Containers.PowerShell.Base;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Changes the resource limits and restart policy of containers, like <c>docker update</c>.</para>
/// <para type="description">Sends the limits given (POST /containers/{id}/update) to each selected container; the ones not
/// given stay as they are. A running container's limits change at once; a stopped one keeps them for its next start.
/// Sizes are bytes, so PowerShell's 64MB and 1GB literals work. The engine's warnings (a limit this host cannot enforce)
/// are written as warnings. -WhatIf shows what would change and changes nothing; -PassThru writes each container as
/// Get-Container shows it afterwards.</para>
/// </summary>
/// <example><code>Update-Container web -Memory 256MB -Cpus 1.5</code><para>Limits web to 256 MiB of memory and one and a half CPUs.</para></example>
/// <example><code>Get-Container -Name 'worker*' | Update-Container -RestartPolicy on-failure -MaximumRetryCount 3</code><para>Makes
/// every worker container restart after a failure, at most three times.</para></example>
/// <example><code>Update-Container web -PidsLimit 100 -WhatIf</code><para>Shows which containers would get a limit of 100 processes, and changes nothing.</para></example>
[Cmdlet(VerbsData.Update, "Container", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Container))]
public sealed class UpdateContainerCommand : ContainerActionCmdlet
{
    /// <summary>Memory limit in bytes (256MB works); docker update --memory.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? Memory { get; set; }

    /// <summary>Memory plus swap limit in bytes; -1 for unlimited swap (docker update --memory-swap).</summary>
    [Parameter]
    [ValidateRange(-1, long.MaxValue)]
    public long? MemorySwap { get; set; }

    /// <summary>CPUs, e.g. 1.5 (docker update --cpus).</summary>
    [Parameter]
    [ValidateRange(0.0, 1024.0)]
    public double? Cpus { get; set; }

    /// <summary>The relative CPU weight (docker update --cpu-shares; 1024 is the default share).</summary>
    [Parameter]
    [ValidateRange(0, 262144)]
    public long? CpuShares { get; set; }

    /// <summary>The most processes the container may have; -1 (or 0) for no limit (docker update --pids-limit).</summary>
    [Parameter]
    [ValidateRange(-1, long.MaxValue)]
    public long? PidsLimit { get; set; }

    /// <summary>When the engine restarts the container: no, always, unless-stopped or on-failure.</summary>
    [Parameter]
    [ValidateSet("no", "always", "unless-stopped", "on-failure")]
    public string? RestartPolicy { get; set; }

    /// <summary>With -RestartPolicy on-failure, how often it restarts at most (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumRetryCount { get; set; }

    protected override void BeginProcessing()
    {
        if (Memory is null && MemorySwap is null && Cpus is null && CpuShares is null && PidsLimit is null && RestartPolicy is null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give at least one limit or a restart policy to change."),
                "NothingToUpdate", ErrorCategory.InvalidArgument, null));
        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaximumRetryCount)) && RestartPolicy != "on-failure")
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-MaximumRetryCount goes with -RestartPolicy on-failure."),
                "RetryCountNeedsOnFailure", ErrorCategory.InvalidArgument, MaximumRetryCount));
    }

    protected override void ProcessRecord()
    {
        var update = new ContainerUpdateRequest
        {
            Memory = Memory,
            MemorySwap = MemorySwap,
            NanoCpus = Cpus is { } cpus ? (long)(cpus * 1_000_000_000) : null,
            CpuShares = CpuShares,
            PidsLimit = PidsLimit,
            RestartPolicy = RestartPolicy is null ? null : new Api.RestartPolicy { Name = RestartPolicy, MaximumRetryCount = MaximumRetryCount },
        };
        ForEachContainerPassThru("Update " + Describe(), container =>
        {
            foreach (var warning in Run(cancel => Client.UpdateContainerAsync(container, update, cancel))) WriteWarning(warning);
        });
    }

    /// <summary>What -WhatIf shows: the settings given, by parameter name.</summary>
    private string Describe() => string.Join(", ", MyInvocation.BoundParameters
        .Where(p => p.Key is nameof(Memory) or nameof(MemorySwap) or nameof(Cpus) or nameof(CpuShares) or nameof(PidsLimit) or nameof(RestartPolicy) or nameof(MaximumRetryCount))
        .Select(p => $"{p.Key} = {p.Value}"));
}
