using System.Text.Encodings.Web;
using System.Text.Json;

namespace Containers.Api;

/// <summary>
/// The serializer context both sides use. Docker's JSON does not escape quotes and apostrophes inside
/// strings, so error messages read naturally: the relaxed encoder is used (the API is not HTML).
/// </summary>
public static class ApiJson
{
    public static ApiJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
