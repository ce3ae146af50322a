namespace Confer.Workflow.Internal;

/// <summary>A codec for exactly one type, made of user functions.</summary>
internal sealed class DelegateCodec<T>(string name, Func<T, byte[]> encode, Func<byte[], T> decode, Func<byte[], string>? describe) : AttributeCodec
    where T : notnull
{
    public override string Name => name;

    public override bool CanEncode(Type type) => type == typeof(T);

    public override byte[] Encode(object value, Type type) => encode((T)value);

    public override object Decode(ReadOnlySpan<byte> bytes, Type type) => decode(bytes.ToArray());

    public override string Describe(ReadOnlySpan<byte> bytes) => describe is null ? base.Describe(bytes) : describe(bytes.ToArray());
}
