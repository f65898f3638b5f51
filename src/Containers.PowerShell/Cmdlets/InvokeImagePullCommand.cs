using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Pulls an image from a registry into the engine.</para>
/// <para type="description">Shows per-layer progress with Write-Progress and returns the pulled image. Credentials come from
/// -Credential, else from Connect-ContainerRegistry in this session, else from the engine's own configuration.</para>
/// </summary>
/// <example><code>Invoke-ImagePull busybox</code><para>Pulls busybox:latest from Docker Hub, showing progress per layer, and writes the pulled image.</para></example>
/// <example><code>'alpine:3.20', 'debian:12' | Invoke-ImagePull -Platform linux/arm64</code><para>Pulls the arm64 variants of two images given on the pipeline.</para></example>
/// <example><code>Invoke-ImagePull registry.example:5000/team/app:1.2 -Credential (Get-Credential)</code><para>Pulls from a private registry with credentials given for this pull only.</para></example>
[Cmdlet(VerbsLifecycle.Invoke, "ImagePull")]
[OutputType(typeof(ImageInspect))]
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

    protected override void ProcessRecord()
    {
        var auth = Credential is null
            ? EngineSession.CredentialFor(Reference)
            : Credentials.ToAuthConfig(Credential, RegistryAuthHeader.RegistryOf(Reference));
        var progress = new PullProgress(Reference);
        ForItem(Reference, () =>
        {
            Run(async cancel =>
            {
                await foreach (var message in Client.PullImageAsync(Reference, Platform, auth, cancel))
                    foreach (var record in progress.Update(message)) WriteProgress(record);
            });
            foreach (var record in progress.Complete()) WriteProgress(record);
            WriteObject(Run(cancel => Client.InspectImageAsync(progress.PulledReference, cancel)));
        });
    }
}
