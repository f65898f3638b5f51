using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Containers.Api;

/// <summary>
/// The serializer context both sides use. Docker's JSON does not escape quotes and apostrophes inside
/// strings, so error messages read naturally: the relaxed encoder is used (the API is not HTML).
/// JSON <c>null</c> is read as Docker's Go decoder reads it (see <see cref="GoNullContext"/>).
/// </summary>
public static class ApiJson
{
    public static ApiJsonContext Context { get; } = new GoNullContext(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new NullAsZeroConverterFactory() },
    });

    /// <summary>
    /// Go's encoding/json gives <c>null</c> no effect on a field that is not a pointer, slice, map or interface: the field
    /// keeps its zero value. Clients built on Docker's Go types (and SDKs such as docker-py, which send
    /// <c>"Interval": null</c> for a setting left out) rely on that. Here: a <c>null</c> for a number or boolean reads
    /// as 0 / false (<see cref="NullAsZeroConverterFactory"/>), and a <c>null</c> for any property whose type is a
    /// reference type (string, list, map, object) leaves the property as the constructor set it: <c>""</c>, <c>[]</c>,
    /// <c>new()</c> for the non-nullable ones, <c>null</c> for the optional ones (Go's nil pointer, slice or map).
    /// The generated context is the only resolver it may have, so this subclass re-implements its resolver interface:
    /// it takes the generated metadata and wraps every property setter once, when the type's metadata is first built.
    /// </summary>
    private sealed class GoNullContext(JsonSerializerOptions options) : ApiJsonContext(options), IJsonTypeInfoResolver
    {
        JsonTypeInfo? IJsonTypeInfoResolver.GetTypeInfo(Type type, JsonSerializerOptions options)
        {
            // The generated resolver builds fresh metadata bound to these options: nested types come back through here.
            var info = ((IJsonTypeInfoResolver)Default).GetTypeInfo(type, options);
            if (info is { Kind: JsonTypeInfoKind.Object })
                foreach (var property in info.Properties)
                    if (property.Set is { } set)
                        property.Set = (target, value) =>
                        {
                            if (value is not null) set(target, value);
                        };
            return info;
        }
    }
}

/// <summary>Numbers and booleans read <c>null</c> as Go does, as their zero value; everything else is the built-in converter's.</summary>
internal sealed class NullAsZeroConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type type) => Create(type) is not null;

    public override JsonConverter? CreateConverter(Type type, JsonSerializerOptions options) => Create(type);

    private static JsonConverter? Create(Type type) =>
        type == typeof(long) ? new NullAsZero<long>(JsonMetadataServices.Int64Converter)
        : type == typeof(int) ? new NullAsZero<int>(JsonMetadataServices.Int32Converter)
        : type == typeof(bool) ? new NullAsZero<bool>(JsonMetadataServices.BooleanConverter)
        : type == typeof(ulong) ? new NullAsZero<ulong>(JsonMetadataServices.UInt64Converter)
        : type == typeof(uint) ? new NullAsZero<uint>(JsonMetadataServices.UInt32Converter)
        : type == typeof(short) ? new NullAsZero<short>(JsonMetadataServices.Int16Converter)
        : type == typeof(ushort) ? new NullAsZero<ushort>(JsonMetadataServices.UInt16Converter)
        : type == typeof(byte) ? new NullAsZero<byte>(JsonMetadataServices.ByteConverter)
        : type == typeof(sbyte) ? new NullAsZero<sbyte>(JsonMetadataServices.SByteConverter)
        : type == typeof(double) ? new NullAsZero<double>(JsonMetadataServices.DoubleConverter)
        : type == typeof(float) ? new NullAsZero<float>(JsonMetadataServices.SingleConverter)
        : type == typeof(decimal) ? new NullAsZero<decimal>(JsonMetadataServices.DecimalConverter)
        : null;

    private sealed class NullAsZero<T>(JsonConverter<T> inner) : JsonConverter<T> where T : struct
    {
        public override bool HandleNull => true;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? default : inner.Read(ref reader, typeToConvert, options);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => inner.Write(writer, value, options);

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            inner.ReadAsPropertyName(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            inner.WriteAsPropertyName(writer, value, options);
    }
}
