namespace Confer.Workflow;

/// <summary>One recorded attribute value: its codec, declared type, size and content hash.</summary>
public sealed class TaskArtifact
{
    private readonly RunStore _store;

    internal TaskArtifact(RunStore store, string name, string codec, string typeName, long size, string sha256)
    {
        _store = store;
        Name = name;
        Codec = codec;
        TypeName = typeName;
        Size = size;
        Sha256 = sha256;
    }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The codec that encoded it ("null" for a null value).</summary>
    public string Codec { get; }

    /// <summary>The attribute's declared type, as a display name (e.g. "IReadOnlyList&lt;String&gt;").</summary>
    public string TypeName { get; }

    /// <summary>The encoded size in bytes.</summary>
    public long Size { get; }

    /// <summary>SHA-256 of the encoded bytes (the blob's name).</summary>
    public string Sha256 { get; }

    /// <summary>Whether the value was null.</summary>
    public bool IsNull => Codec == Internal.EncodedValue.NullCodec;

    /// <summary>The encoded bytes.</summary>
    /// <returns>A new array.</returns>
    public byte[] ReadBytes() => _store.ReadBlob(Sha256);

    /// <summary>A one-line description through the codec that encoded it (JSON text, or a model state summary).</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        if (IsNull)
        {
            return "null";
        }

        try
        {
            return _store.Codecs.GetByName(Codec).Describe(ReadBytes());
        }
        catch (KeyNotFoundException)
        {
            return $"{Size} bytes ({Codec}, no codec registered to describe it)";
        }
    }

    /// <summary>Decodes the value into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The attribute's type.</typeparam>
    /// <param name="codecs">The codecs to decode with.</param>
    /// <returns>The value.</returns>
    public T? Decode<T>(CodecRegistry codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        if (IsNull)
        {
            return default;
        }

        AttributeCodec codec = codecs.Find(typeof(T))
            ?? throw new MissingCodecException($"No codec is registered for {typeof(T).Name}; cannot decode attribute '{Name}'.") { Attribute = Name, AttributeType = typeof(T) };
        if (!string.Equals(codec.Name, Codec, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Attribute '{Name}' was encoded by codec '{Codec}' as {TypeName}, but {typeof(T).Name} uses codec '{codec.Name}'.");
        }

        return (T)codec.Decode(ReadBytes(), typeof(T));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {TypeName} ({Size} bytes)";
}
