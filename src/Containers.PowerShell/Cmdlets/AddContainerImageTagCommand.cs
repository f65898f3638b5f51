using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gives an image another name (repository:tag), like <c>docker tag</c>.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "ContainerImageTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ImageInspect))]
public sealed class AddContainerImageTagCommand : ContainersCmdlet
{
    /// <summary>The image to tag: name, repository:tag or ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Image")]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string Source { get; set; } = "";

    /// <summary>The new name, <c>repository[:tag]</c> (tag defaults to latest).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Target { get; set; } = "";

    /// <summary>Write the tagged image.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Source, $"Tag as {Target}")) return;
        ForItem(Source, () =>
        {
            Run(cancel => Client.TagImageAsync(Source, Target, cancel));
            if (PassThru) WriteObject(Run(cancel => Client.InspectImageAsync(Target, cancel)));
        });
    }
}
