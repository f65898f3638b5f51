using System.Management.Automation;
using Containers.Api;
using Containers.Client;

namespace Containers.PowerShell.Base;

/// <summary>
/// Base of the cmdlets that act on images (Remove-ContainerImage), as <see cref="ContainerCmdlet"/> is for containers:
/// <c>-Name</c> (positional; repository or repository:tag, wildcards over the tags), <c>-Id</c> (full or a prefix), or
/// images from the pipeline (ImageSummary from Get-ContainerImage; an ImageInspect binds by its Id property). An image
/// the engine does not know is one non-terminating <c>ImageNotFound</c> error (ObjectNotFound) and the others are still
/// acted on; a wildcard that matches nothing is silent.
/// </summary>
public abstract class ImageCmdlet : ContainersCmdlet
{
    protected const string ByName = "Name";
    protected const string ById = "Id";
    protected const string ByInputObject = "InputObject";

    /// <summary>Image references: repository or repository:tag; wildcards match the tags of all images. An exact name may also be an image ID.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Image", "Reference")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ImageReferenceCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Image IDs, full or a unique prefix, with or without <c>sha256:</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    public string[] Id { get; set; } = [];

    /// <summary>Images from Get-ContainerImage.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    public ImageSummary[] InputObject { get; set; } = [];

    protected override string TargetNoun => "Image";

    /// <summary>
    /// The images this record selects, as references the engine resolves: an ID, a name as given, or each tag a wildcard
    /// matches (so that removing <c>app/*</c> untags each matching tag).
    /// </summary>
    protected IEnumerable<string> SelectedImages()
    {
        switch (ParameterSetName)
        {
            case ByInputObject:
                foreach (var image in InputObject) yield return image.Id;
                break;
            case ById:
                foreach (var id in Id) yield return id;
                break;
            default:
                foreach (var reference in ExpandNames(Name, cancel => Client.ListImagesAsync(cancel: cancel),
                    (all, name) => all.SelectMany(image => ImageNames.MatchingTags(image, name)).Distinct()))
                    yield return reference;
                break;
        }
    }

    /// <summary>Acts on each selected image after ShouldProcess; an engine error is that image's error only.</summary>
    protected void ForEachImage(string action, Action<string> work)
    {
        foreach (var image in SelectedImages())
        {
            if (!ShouldProcess(image, action)) continue;
            ForItem(image, () => work(image));
        }
    }
}
