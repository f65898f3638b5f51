using System.Management.Automation;
using Containers.Api;

namespace Containers.PowerShell.Completion;

/// <summary>How a user's name matches an image's tags: repository alone or repository:tag, wildcards allowed, any case.</summary>
internal static class ImageNames
{
    /// <summary>The image's tags that <paramref name="name"/> matches, by the whole tag or by its repository.</summary>
    public static IEnumerable<string> MatchingTags(ImageSummary image, string name)
    {
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return image.RepoTags.Where(tag => pattern.IsMatch(tag) || pattern.IsMatch(Containers.Client.ContainersClient.SplitReference(tag).Repository));
    }

    public static bool Matches(ImageSummary image, string name) => MatchingTags(image, name).Any();
}
