using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gives an image another name (repository:tag), like <c>docker tag</c>.</para>
/// <para type="description">The image keeps its other names; the new name points at the same image ID. A target that already
/// names another image is moved to this one. Use -WhatIf to see what would be tagged.</para>
/// </summary>
/// <example><code>Add-ContainerImageTag busybox:latest registry.example:5000/tools/busybox:1.36</code><para>Gives the local busybox:latest image a name in another registry, ready to be pushed there.</para></example>
/// <example><code>Get-ContainerImage -Name 'app:*' | Add-ContainerImageTag -Target app:stable -PassThru</code><para>Tags the image piped in (it binds by its Id) as app:stable and writes the tagged image.</para></example>
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
