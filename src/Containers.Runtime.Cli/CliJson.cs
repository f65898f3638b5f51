using System.Text.Json.Serialization;
using Containers.Runtime.State;

namespace Containers.Runtime.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(Containers.Runtime.Spec.ProcessSpec))]
[JsonSerializable(typeof(List<int>))]
internal sealed partial class CliJson : JsonSerializerContext;
