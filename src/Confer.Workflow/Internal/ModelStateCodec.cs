using Confer.Core;

namespace Confer.Workflow.Internal;

/// <summary><see cref="ModelState"/> through its protobuf encoding, the same bytes a federation sends.</summary>
internal sealed class ModelStateCodec : AttributeCodec
{
    public const string CodecName = "model-state";

    public override string Name => CodecName;

    public override bool CanEncode(Type type) => type == typeof(ModelState);

    public override byte[] Encode(object value, Type type) => ModelStateSerializer.Serialize((ModelState)value);

    public override object Decode(ReadOnlySpan<byte> bytes, Type type) => ModelStateSerializer.Deserialize(bytes);

    public override string Describe(ReadOnlySpan<byte> bytes)
    {
        ModelState state = ModelStateSerializer.Deserialize(bytes);
        return $"ModelState: {state.Count} tensors, {state.ElementCount} elements, hash {state.ComputeHash()[..16]}";
    }
}
