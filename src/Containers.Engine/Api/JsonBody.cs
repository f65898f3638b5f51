using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Containers.Engine.Errors;

namespace Containers.Engine.Api;

/// <summary>Reads a request's JSON body: an empty body is <c>null</c>, malformed JSON a 400 naming the position.</summary>
public static class JsonBody
{
    public static async Task<T?> ReadJsonAsync<T>(this HttpRequest request, JsonTypeInfo<T> type) where T : class
    {
        if (request.ContentLength == 0) return null;
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            throw new InvalidParameterException($"unsupported Content-Type \"{contentType}\": expected application/json");

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
    }

    /// <summary>A body already read (e.g. taken off an upgraded connection): empty is <c>null</c>, malformed JSON a 400.</summary>
    public static T? Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type) where T : class
    {
        if (body.IsEmpty) return null;
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException e)
        {
            throw new InvalidParameterException(ErrorHandling.DescribeJsonError(e) + ": " + FirstSentence(e.Message));
        }
    }

    /// <summary>System.Text.Json's messages end with a "Path: ... | LineNumber: ..." tail we already render ourselves.</summary>
    private static string FirstSentence(string message)
    {
        // "The JSON value could not be converted to System.Collections.Generic.Dictionary`2[...]" names .NET types, not the API's.
        if (message.Contains("could not be converted to", StringComparison.Ordinal)) return "the value has the wrong type for this field";
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
