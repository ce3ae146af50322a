using Confer.Workflow.Internal;

namespace Confer.Workflow;

/// <summary>
/// Turns the value of a flow attribute into bytes and back. Codecs are the only way a value crosses
/// a participant boundary or reaches the run store; they are registered explicitly in a
/// <see cref="CodecRegistry"/>.
/// </summary>
public abstract class AttributeCodec
{
    /// <summary>Initializes the codec.</summary>
    protected AttributeCodec()
    {
    }

    /// <summary>The codec's stable name, stored with every encoded value (e.g. "json", "model-state").</summary>
    public abstract string Name { get; }

    /// <summary>Whether this codec handles attributes declared with <paramref name="type"/>.</summary>
    /// <param name="type">The declared type of the attribute.</param>
    /// <returns><see langword="true"/> when it can encode and decode the type.</returns>
    public abstract bool CanEncode(Type type);

    /// <summary>Encodes a non-null value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="type">The attribute's declared type.</param>
    /// <returns>The encoding.</returns>
    public abstract byte[] Encode(object value, Type type);

    /// <summary>Decodes a value encoded by <see cref="Encode"/>.</summary>
    /// <param name="bytes">The encoding.</param>
    /// <param name="type">The attribute's declared type.</param>
    /// <returns>A new object, sharing nothing with the encoded one.</returns>
    public abstract object Decode(ReadOnlySpan<byte> bytes, Type type);

    /// <summary>A one-line human description of an encoded value, for <c>confer runs task</c>.</summary>
    /// <param name="bytes">The encoding.</param>
    /// <returns>The description; by default the size.</returns>
    public virtual string Describe(ReadOnlySpan<byte> bytes) => $"{bytes.Length} bytes";

    /// <summary>Creates a codec for one type from two functions (for example a TorchSharp module through its state).</summary>
    /// <typeparam name="T">The attribute type.</typeparam>
    /// <param name="name">The codec's stable name.</param>
    /// <param name="encode">Encodes a value.</param>
    /// <param name="decode">Decodes bytes into a new value.</param>
    /// <param name="describe">Optional one-line description of an encoding.</param>
    /// <returns>The codec.</returns>
    public static AttributeCodec Create<T>(string name, Func<T, byte[]> encode, Func<byte[], T> decode, Func<byte[], string>? describe = null)
        where T : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(decode);
        return new DelegateCodec<T>(name, encode, decode, describe);
    }
}
