using System.Collections.Concurrent;

namespace Confer.Workflow.Internal;

/// <summary>
/// Encodes a flow's attributes with the registered codecs, one codec per attribute found once;
/// an attribute without a codec is refused with a message naming the step, the attribute and what
/// to do.
/// </summary>
internal sealed class AttributeEncoder(FlowDefinition definition, CodecRegistry codecs)
{
    private readonly ConcurrentDictionary<StateProperty, AttributeCodec?> _codecByAttribute = new();

    /// <summary>The codec of an attribute that was encoded by a sender, for decoding what it sent.</summary>
    public AttributeCodec For(StateProperty property) => _codecByAttribute.GetOrAdd(property, p => codecs.Find(p.Type))!;

    public EncodedValue[] RequireCodecs(StepDefinition from, StepDefinition to, IReadOnlyList<StateProperty> carried)
    {
        foreach (StateProperty property in carried)
        {
            CodecFor(property, from, to);
        }

        return [];
    }

    public EncodedValue[] Encode(StepDefinition from, StepDefinition to, Flow instance, IReadOnlyList<StateProperty> carried)
    {
        var encoded = new EncodedValue[carried.Count];
        for (int i = 0; i < carried.Count; i++)
        {
            StateProperty property = carried[i];
            AttributeCodec codec = CodecFor(property, from, to);
            object? value = property.Get(instance);
            encoded[i] = value is null ? new EncodedValue(property, null, []) : new EncodedValue(property, codec, codec.Encode(value, property.Type));
        }

        return encoded;
    }

    public EncodedValue[] EncodeAll(Flow instance) =>
        [.. definition.State
            .Select(p => (Property: p, Codec: _codecByAttribute.GetOrAdd(p, q => codecs.Find(q.Type))))
            .Where(x => x.Codec is not null)
            .Select(x => x.Property.Get(instance) is { } value
                ? new EncodedValue(x.Property, x.Codec, x.Codec!.Encode(value, x.Property.Type))
                : new EncodedValue(x.Property, null, []))];

    public AttributeCodec CodecFor(StateProperty property, StepDefinition from, StepDefinition to) =>
        _codecByAttribute.GetOrAdd(property, p => codecs.Find(p.Type))
        ?? throw new MissingCodecException(
            $"Step '{from.Name}' cannot carry attribute '{property.Name}' ({RunStoreWriter.TypeName(property.Type)}) to '{to.Name}': no codec is registered for {RunStoreWriter.TypeName(property.Type)}. " +
            $"Exclude it (Next({to.Name}, exclude: [nameof({property.Name})])), make it a [Private] attribute if it belongs to one participant, or register a codec in LocalRuntimeOptions.Codecs.")
        {
            Step = from.Name,
            Attribute = property.Name,
            AttributeType = property.Type,
        };
}
