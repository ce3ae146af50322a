namespace Confer.Workflow.Internal;

/// <summary>An attribute's value as a codec encoded it; a null value has no codec and no bytes.</summary>
internal sealed class EncodedValue(StateProperty attribute, AttributeCodec? codec, byte[] bytes)
{
    public const string NullCodec = "null";

    private string? _sha256;

    public StateProperty Attribute { get; } = attribute;

    public AttributeCodec? CodecInstance { get; } = codec;

    public string Codec => CodecInstance?.Name ?? NullCodec;

    public byte[] Bytes { get; } = bytes;

    public bool IsNull => CodecInstance is null;

    public string Sha256 => _sha256 ??= BlobStore.Hash(Bytes);

    /// <summary>A fresh object: this is the deep copy every receiving participant gets.</summary>
    public object? Decode() => CodecInstance?.Decode(Bytes, Attribute.Type);
}
