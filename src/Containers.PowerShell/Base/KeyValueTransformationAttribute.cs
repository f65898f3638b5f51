using System.Collections;
using System.Management.Automation;

namespace Containers.PowerShell.Base;

/// <summary>
/// Lets a hashtable parameter (labels, driver options) also take Docker's <c>key=value</c> strings, so that
/// <c>-Label env=test, tier=db</c> and <c>-Label @{ env = 'test'; tier = 'db' }</c> mean the same. A string without
/// <c>=</c> is a key with an empty value, as docker's <c>--label key</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeyValueTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = Unwrap(inputData);
        if (value is null or IDictionary) return value!;
        var items = value is IEnumerable many and not string ? many.Cast<object?>().Select(Unwrap) : [value];
        var table = new Hashtable(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary) table[entry.Key] = entry.Value;
                continue;
            }
            var text = item?.ToString() ?? "";
            var equals = text.IndexOf('=');
            table[equals < 0 ? text : text[..equals]] = equals < 0 ? "" : text[(equals + 1)..];
        }
        return table;
    }

    /// <summary>The hashtable as the API's string map (null stays null: the engine's default).</summary>
    public static Dictionary<string, string>? ToDictionary(Hashtable? table) =>
        table?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "");

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
