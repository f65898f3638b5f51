using System.Text.Json;
using Containers.Api;

namespace Containers.Engine.Api;

/// <summary>
/// Docker's <c>filters</c> query parameter: JSON <c>{"key":["v1","v2"]}</c>, or the older
/// <c>{"key":{"v1":true}}</c> form that API versions before 1.22 (and some clients still) send.
/// </summary>
public static class Filters
{
    public static Dictionary<string, List<string>> Parse(string? json)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest("invalid filters: expected a JSON object such as {\"type\":[\"container\"]}");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var values = property.Value.ValueKind switch
                {
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(ValueText).ToList(),
                    JsonValueKind.Object => property.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name).ToList(),
                    _ => throw ApiException.BadRequest($"invalid filters: the value of '{property.Name}' must be a list"),
                };
                result[property.Name] = values;
            }
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("invalid filters: " + ErrorHandling.DescribeJsonError(e));
        }
        return result;
    }

    private static string ValueText(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw ApiException.BadRequest("invalid filters: values must be strings");
}
