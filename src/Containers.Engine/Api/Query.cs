namespace Containers.Engine.Api;

/// <summary>Query parameters as dockerd reads them (its <c>httputils</c>).</summary>
public static class Query
{
    /// <summary>
    /// A boolean parameter (<c>all</c>, <c>force</c>, <c>v</c>, <c>noprune</c>...): false when absent, empty, <c>0</c>, <c>no</c>,
    /// <c>false</c> or <c>none</c> in any case, true otherwise (<c>1</c>, <c>true</c>, <c>True</c>...), as dockerd's BoolValue.
    /// </summary>
    public static bool Flag(this HttpRequest request, string name) =>
        request.Query[name].ToString().Trim().ToLowerInvariant() is not ("" or "0" or "no" or "false" or "none");

    /// <summary>A boolean parameter that defaults to <paramref name="absent"/> when not given (dockerd's BoolValueOrDefault).</summary>
    public static bool Flag(this HttpRequest request, string name, bool absent) =>
        request.Query.ContainsKey(name) ? request.Flag(name) : absent;

    /// <summary>A string parameter, or null when absent or empty.</summary>
    public static string? Text(this HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>An integer parameter, or null when absent; a malformed one is Docker's 400 naming it.</summary>
    public static int? Integer(this HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Errors.InvalidParameterException($"invalid value for {name}: \"{text}\": not an integer");
    }

    /// <summary>The <c>h</c> and <c>w</c> of a resize (container or exec); sizes out of range are a 400.</summary>
    public static (ushort Width, ushort Height) TerminalSize(this HttpRequest request)
    {
        var height = request.Integer("h") ?? 0;
        var width = request.Integer("w") ?? 0;
        if (height is < 0 or > ushort.MaxValue || width is < 0 or > ushort.MaxValue)
            throw new Errors.InvalidParameterException($"invalid terminal size {width}x{height}");
        return ((ushort)width, (ushort)height);
    }
}
