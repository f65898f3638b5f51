using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Removes images (untags them, and deletes an image when its last tag goes), like <c>docker rmi</c>.</para>
/// <para type="description">Takes names (wildcards match tags: each matching tag is removed), IDs, or images from
/// Get-ContainerImage on the pipeline. Each failure is reported for its own image (ImageNotFound, ImageConflict when a
/// container uses it) and the others are still removed.</para>
/// </summary>
/// <example><code>Remove-ContainerImage busybox:1.36</code><para>Removes the tag busybox:1.36, and the image when that was its last tag.</para></example>
/// <example><code>Get-ContainerImage -Dangling | Remove-ContainerImage -Confirm:$false</code><para>Removes every untagged image.</para></example>
/// <example><code>Remove-ContainerImage 'test/*' -PassThru</code><para>Removes every tag of the repositories under test/ and writes what was untagged and deleted.</para></example>
/// <example><code>Get-ContainerImage -Name 'app:*' | Remove-ContainerImage -Force -PassThru</code><para>Removes every app image even if containers use them and writes what was untagged and deleted.</para></example>
[Cmdlet(VerbsCommon.Remove, "ContainerImage", DefaultParameterSetName = ByName, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ImageDeleteItem))]
public sealed class RemoveContainerImageCommand : ImageCmdlet
{
    /// <summary>Remove even when the image is used by a container or tagged in several repositories.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Keep untagged parent images.</summary>
    [Parameter]
    public SwitchParameter NoPrune { get; set; }

    /// <summary>Write what was untagged and deleted.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachImage("Remove image", image =>
    {
        var result = Run(cancel => Client.RemoveImageAsync(image, Force, NoPrune, cancel));
        foreach (var item in result) WriteVerbose(item.Untagged is { } u ? $"Untagged: {u}" : $"Deleted: {item.Deleted}");
        if (PassThru) WriteObject(result, enumerateCollection: true);
    });
}
