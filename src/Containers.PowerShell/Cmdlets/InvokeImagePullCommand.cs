using System.Management.Automation;
using Containers.Api;
using Containers.PowerShell.Jobs;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Pulls an image from a registry into the engine.</para>
/// <para type="description">Shows per-layer progress with Write-Progress and returns the pulled image. Credentials come from
/// -Credential, else from Connect-ContainerRegistry in this session, else from the engine's own configuration. With -AsJob
/// the pulls run in the background as a PowerShell job.</para>
/// </summary>
/// <example><code>Invoke-ImagePull busybox</code><para>Pulls busybox:latest from Docker Hub, showing progress per layer, and writes the pulled image.</para></example>
/// <example><code>'alpine:3.20', 'debian:12' | Invoke-ImagePull -Platform linux/arm64</code><para>Pulls the arm64 variants of two images given on the pipeline.</para></example>
/// <example><code>Invoke-ImagePull registry.example:5000/team/app:1.2 -Credential (Get-Credential)</code><para>Pulls from a private registry with credentials given for this pull only.</para></example>
[Cmdlet(VerbsLifecycle.Invoke, "ImagePull")]
[OutputType(typeof(ImageInspect))]
[OutputType(typeof(ImagePullJob))]
public sealed class InvokeImagePullCommand : ContainersCmdlet
{
    /// <summary>The image to pull: <c>busybox</c>, <c>registry:5000/team/app:1.2</c>, <c>name@sha256:...</c>.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Image", "Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Reference { get; set; } = "";

    /// <summary><c>os/arch[/variant]</c>, for example <c>linux/arm64</c>; the engine's platform by default.</summary>
    [Parameter]
    public string? Platform { get; set; }

    /// <summary>Registry credentials for this pull; by default those of Connect-ContainerRegistry or the engine's.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Pull in the background: returns a job at once (Receive-Job gives the images, Wait-Job waits).</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override string TargetNoun => "Image";

    private readonly List<ImagePullOperation> _queued = [];

    protected override void ProcessRecord()
    {
        var auth = Credential is null
            ? EngineSession.CredentialFor(Reference)
            : Credentials.ToAuthConfig(Credential, RegistryAuthHeader.RegistryOf(Reference));
        var pull = new ImagePullOperation(Client, Reference, Platform, auth);
        if (AsJob)
        {
            _queued.Add(pull);
            return;
        }
        ForItem(Reference, () => WriteObject(Run(cancel => pull.RunAsync(WriteProgress, cancel))));
    }

    /// <summary>With -AsJob, one job for every reference the pipeline gave, as PowerShell's own -AsJob cmdlets do.</summary>
    protected override void EndProcessing()
    {
        if (_queued.Count == 0) return;
        var job = new ImagePullJob(MyInvocation.Line, _queued, Client.Endpoint.Uri.ToString());
        JobRepository.Add(job);
        job.Start();
        WriteObject(job);
    }
}
