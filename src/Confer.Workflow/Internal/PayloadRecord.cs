using System.Runtime.InteropServices;
using Confer.Federation;

namespace Confer.Workflow.Internal;

/// <summary>
/// A transition's carried attributes as the config record of a grid message: each attribute's
/// encoded bytes under <c>a:NAME</c> (not copied), a null attribute as <c>n:NAME</c>. What crosses
/// from one participant to another is exactly these bytes; the egress record is made from them.
/// </summary>
internal static class PayloadRecord
{
    private const string ValuePrefix = "a:";
    private const string NullPrefix = "n:";

    public static ConfigRecord ToConfig(IReadOnlyList<EncodedValue> payload, params KeyValuePair<string, ConfigValue>[] extra)
    {
        var entries = new List<KeyValuePair<string, ConfigValue>>(payload.Count + extra.Length);
        foreach (EncodedValue value in payload)
        {
            entries.Add(value.IsNull
                ? new(NullPrefix + value.Attribute.Name, true)
                : new(ValuePrefix + value.Attribute.Name, ConfigValue.FromBytes(ImmutableCollectionsMarshal.AsImmutableArray(value.Bytes))));
        }

        entries.AddRange(extra);
        return new ConfigRecord(entries);
    }

    /// <summary>The attributes a record carries, in the flow's declaration order, with the codecs that encoded them.</summary>
    public static EncodedValue[] FromConfig(ConfigRecord config, FlowDefinition definition, Func<StateProperty, AttributeCodec> codecFor)
    {
        var payload = new List<EncodedValue>();
        foreach (StateProperty property in definition.State)
        {
            if (config.TryGetValue(ValuePrefix + property.Name, out ConfigValue bytes))
            {
                payload.Add(new EncodedValue(property, codecFor(property), Array(bytes.ToBytes())));
            }
            else if (config.ContainsKey(NullPrefix + property.Name))
            {
                payload.Add(new EncodedValue(property, null, []));
            }
        }

        return [.. payload];
    }

    private static byte[] Array(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : bytes.ToArray();
}
