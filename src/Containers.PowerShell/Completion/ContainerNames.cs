using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Completion;

/// <summary>How a -Name with wildcards matches containers: case-insensitive, with or without Docker's leading slash.</summary>
internal static class ContainerNames
{
    public static IEnumerable<Container> Matching(IEnumerable<Container> containers, string name)
    {
        var pattern = new WildcardPattern(name.TrimStart('/'), WildcardOptions.IgnoreCase);
        return containers.Where(c => pattern.IsMatch(c.Name));
    }
}
