using System.Collections;
using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Creates a volume, like <c>docker volume create</c>.</para>
/// <para type="description">A named volume that containers mount with New-Container -Volume name:/path; without a name the
/// engine makes an anonymous volume with a random name (Remove-ContainerVolume -Unused removes it once no container uses
/// it). The local driver keeps the data in a directory of the engine; -Option gives its options as docker volume create
/// --opt does (type, device, o, size). Creating a name that exists writes that volume; asking for other options than
/// it has is a VolumeConflict error. Writes the volume.</para>
/// </summary>
/// <example><code>New-ContainerVolume data</code><para>Creates the volume data.</para></example>
/// <example><code>New-ContainerVolume scratch -Option @{ type = 'tmpfs'; device = 'tmpfs'; o = 'size=64m' } -Label env=test</code><para>Creates a volume with the local driver's tmpfs options (a 64 MB tmpfs in Docker), labelled env=test.</para></example>
/// <example><code>$volume = New-ContainerVolume; New-Container busybox -Volume "$($volume.Name):/cache"</code><para>Creates an anonymous volume and a container that mounts it.</para></example>
[Cmdlet(VerbsCommon.New, "ContainerVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Volume))]
public sealed class NewContainerVolumeCommand : ContainersCmdlet
{
    /// <summary>The volume's name; without one the engine picks a random name (an anonymous volume).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The volume driver; local, the one the engine has.</summary>
    [Parameter]
    public string Driver { get; set; } = "local";

    /// <summary>Driver options, as @{ type = 'tmpfs'; device = 'tmpfs'; o = 'size=64m' } or key=value strings (docker volume create --opt).</summary>
    [Parameter]
    [KeyValueTransformation]
    public Hashtable? Option { get; set; }

    /// <summary>Labels of the volume, as @{ env = 'test' } or key=value strings.</summary>
    [Parameter]
    [KeyValueTransformation]
    public Hashtable? Label { get; set; }

    protected override string TargetNoun => "Volume";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name ?? "anonymous volume", "Create volume")) return;
        var request = new VolumeCreateRequest
        {
            Name = Name,
            Driver = Driver,
            DriverOpts = KeyValueTransformationAttribute.ToDictionary(Option),
            Labels = KeyValueTransformationAttribute.ToDictionary(Label),
        };
        ForItem(Name, () => WriteObject(Run(cancel => Client.CreateVolumeAsync(request, cancel))));
    }
}
