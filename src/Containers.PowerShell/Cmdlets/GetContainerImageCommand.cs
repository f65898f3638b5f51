using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the images the engine holds.</para>
/// <para type="description">Like <c>docker images</c>: by name (wildcards, with or without tag), by ID (prefix), all images
/// including intermediate ones (-All), or only dangling ones (-Dangling).</para>
/// </summary>
/// <example><code>Get-ContainerImage</code><para>Lists the tagged images as a table like docker images.</para></example>
/// <example><code>Get-ContainerImage -Name 'busy*'</code><para>Lists the images whose repository starts with busy.</para></example>
/// <example><code>Get-ContainerImage -Dangling | Remove-ContainerImage</code><para>Removes the images that have no tag left.</para></example>
[Cmdlet(VerbsCommon.Get, "ContainerImage", DefaultParameterSetName = ByName)]
[OutputType(typeof(ImageSummary))]
public sealed class GetContainerImageCommand : ContainersCmdlet
{
    private const string ByName = "ByName";
    private const string ById = "ById";

    /// <summary>Repository or repository:tag; wildcards allowed (<c>busy*</c>, <c>*:latest</c>).</summary>
    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Full ID or a unique prefix, with or without <c>sha256:</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    public string[]? Id { get; set; }

    /// <summary>Include intermediate images, not only the top-level ones.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>Only images without a tag.</summary>
    [Parameter]
    public SwitchParameter Dangling { get; set; }

    protected override string TargetNoun => "Image";

    protected override void ProcessRecord()
    {
        var filters = Dangling ? new Dictionary<string, string[]> { ["dangling"] = ["true"] } : null;
        List<ImageSummary> images;
        try
        {
            images = Run(cancel => Client.ListImagesAsync(All, filters, cancel));
        }
        catch (Client.ContainersEngineException e)
        {
            ThrowTerminating(e, null);
            return;
        }

        if (ParameterSetName == ById)
        {
            foreach (var id in Id!)
            {
                var prefix = id.StartsWith("sha256:", StringComparison.Ordinal) ? id : "sha256:" + id;
                var found = images.Where(i => i.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                if (found.Count == 0) WriteError(NotFound($"No such image: {id}", id));
                WriteObject(found, enumerateCollection: true);
            }
            return;
        }
        if (Name is null)
        {
            WriteObject(images, enumerateCollection: true);
            return;
        }
        foreach (var name in Name)
        {
            var found = images.Where(i => ImageNames.Matches(i, name)).ToList();
            if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name)) WriteError(NotFound($"No such image: {name}", name));
            WriteObject(found, enumerateCollection: true);
        }
    }
}
