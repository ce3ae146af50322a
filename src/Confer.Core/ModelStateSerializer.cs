using System.Runtime.InteropServices;
using Confer.Protos.V1;
using Google.Protobuf;

namespace Confer.Core;

/// <summary>
/// Encodes model states as <c>confer.v1.ModelStateProto</c> and saves them as <c>.pbuf</c> files,
/// the way OpenFL keeps <c>save/&lt;name&gt;_init.pbuf</c>, <c>_best.pbuf</c> and <c>_last.pbuf</c>.
/// </summary>
public static class ModelStateSerializer
{
    /// <summary>Converts a model state to its protobuf message (tensor bytes are copied).</summary>
    /// <param name="state">The state.</param>
    /// <param name="metadata">Optional descriptive entries (not hashed).</param>
    /// <returns>The message.</returns>
    public static ModelStateProto ToProto(ModelState state, IReadOnlyDictionary<string, string>? metadata = null) =>
        ToProto(state, metadata, share: false);

    private static ModelStateProto ToProto(ModelState state, IReadOnlyDictionary<string, string>? metadata, bool share)
    {
        ArgumentNullException.ThrowIfNull(state);
        var proto = new ModelStateProto();
        foreach (NamedTensor tensor in state)
        {
            proto.Tensors.Add(ToProto(tensor, share));
        }

        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                proto.Metadata.Add(entry.Key, entry.Value);
            }
        }

        return proto;
    }

    /// <summary>Converts one tensor to its protobuf message (bytes are copied).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The message.</returns>
    public static TensorProto ToProto(NamedTensor tensor) => ToProto(tensor, share: false);

    // share: the message wraps the tensor's buffer instead of copying it. Only for messages that are
    // encoded at once and dropped, never handed out (a model's bytes are then copied once, not twice).
    private static TensorProto ToProto(NamedTensor tensor, bool share)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var proto = new TensorProto
        {
            Name = tensor.Name,
            ElementType = (Protos.V1.ElementType)(int)tensor.ElementType,
            Data = share ? UnsafeByteOperations.UnsafeWrap(tensor.Memory) : ByteString.CopyFrom(tensor.Bytes),
        };
        foreach (long d in tensor.Shape)
        {
            proto.Shape.Add(d);
        }

        return proto;
    }

    /// <summary>Converts a protobuf message to a model state, validating every tensor.</summary>
    /// <param name="proto">The message.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ModelStateException">An unknown element type, a data length that does not match a shape, or a duplicate name.</exception>
    public static ModelState FromProto(ModelStateProto proto) => FromProto(proto, own: false);

    // own: the tensors take the message's buffers instead of copying them. Only for messages this
    // class parsed itself and drops afterwards, so nothing else can see the buffers.
    private static ModelState FromProto(ModelStateProto proto, bool own)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var tensors = new List<NamedTensor>(proto.Tensors.Count);
        foreach (TensorProto t in proto.Tensors)
        {
            tensors.Add(FromProto(t, own));
        }

        return new ModelState(tensors);
    }

    /// <summary>Converts one tensor message, validating element type and data length.</summary>
    /// <param name="proto">The message.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ModelStateException">The message is not a valid tensor.</exception>
    public static NamedTensor FromProto(TensorProto proto) => FromProto(proto, own: false);

    private static NamedTensor FromProto(TensorProto proto, bool own)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var elementType = (ElementType)(int)proto.ElementType;
        if (!Enum.IsDefined(elementType))
        {
            throw new ModelStateException($"Tensor '{proto.Name}' has unknown element type {(int)proto.ElementType}.");
        }

        try
        {
            var data = own && MemoryMarshal.TryGetArray(proto.Data.Memory, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : proto.Data.ToByteArray();
            return new NamedTensor(proto.Name, elementType, proto.Shape.ToArray(), data);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw new ModelStateException($"Tensor '{proto.Name}' is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>Encodes a model state as protobuf bytes (the tensors' bytes are copied once, into the result).</summary>
    /// <param name="state">The state.</param>
    /// <param name="metadata">Optional descriptive entries (not hashed).</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(ModelState state, IReadOnlyDictionary<string, string>? metadata = null) => ToProto(state, metadata, share: true).ToByteArray();

    /// <summary>Encodes a model state as protobuf bytes into a stream, without an intermediate copy of the tensors.</summary>
    /// <param name="state">The state.</param>
    /// <param name="stream">Where the bytes go.</param>
    /// <param name="metadata">Optional descriptive entries (not hashed).</param>
    public static void Serialize(ModelState state, Stream stream, IReadOnlyDictionary<string, string>? metadata = null) => ToProto(state, metadata, share: true).WriteTo(stream);

    /// <summary>Decodes protobuf bytes into a model state.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ModelStateException">The bytes are not a valid model state.</exception>
    public static ModelState Deserialize(ReadOnlySpan<byte> bytes)
    {
        ModelStateProto proto;
        try
        {
            proto = ModelStateProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelStateException($"The bytes are not a Confer model state (confer.v1.ModelStateProto): {ex.Message}", ex);
        }

        return FromProto(proto, own: true);
    }

    /// <summary>Decodes a model state from a stream, read to its end; the tensors' bytes are copied once, from the stream into the tensors.</summary>
    /// <param name="stream">The bytes.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ModelStateException">The bytes are not a valid model state.</exception>
    public static ModelState Deserialize(Stream stream)
    {
        ModelStateProto proto;
        try
        {
            proto = ModelStateProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelStateException($"The bytes are not a Confer model state (confer.v1.ModelStateProto): {ex.Message}", ex);
        }

        return FromProto(proto, own: true);
    }

    /// <summary>
    /// Reads the tensors of encoded model-state bytes in place, in order, without copying their
    /// data: for checking or folding a large model straight from a received buffer or a mapped file.
    /// </summary>
    /// <param name="bytes">The encoded state.</param>
    /// <param name="action">Called once per tensor; the tensor's spans are valid only during the call.</param>
    /// <exception cref="ModelStateException">The bytes are not a valid encoding, or a tensor has an unknown element type.</exception>
    public static void ReadTensors(ReadOnlySpan<byte> bytes, EncodedTensorAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Internal.ModelStateWireReader.ReadTensors(bytes, action);
    }

    /// <summary>
    /// Decodes encoded model-state bytes into the buffers of an existing state of the same layout,
    /// so that decoding many models of one shape (a round's results) allocates nothing model-sized.
    /// </summary>
    /// <param name="bytes">The encoded state.</param>
    /// <param name="target">The state whose tensors receive the values; it defines the expected layout.</param>
    /// <exception cref="ModelStateException">The bytes are not a valid encoding or do not have the layout of <paramref name="target"/>; <paramref name="target"/> may then hold part of the values.</exception>
    public static void DeserializeInto(ReadOnlySpan<byte> bytes, ModelState target)
    {
        ArgumentNullException.ThrowIfNull(target);
        int count = 0;
        ReadTensors(bytes, tensor =>
        {
            if (tensor.Index >= target.Count || !tensor.HasLayoutOf(target[tensor.Index]))
            {
                throw new ModelStateException(DescribeLayoutMismatch(target, tensor));
            }

            tensor.Data.CopyTo(target[tensor.Index].GetBuffer());
            count++;
        });
        if (count != target.Count)
        {
            throw new ModelStateException($"The encoded state has {count} tensors where {target.Count} were expected.");
        }
    }

    /// <summary>Why an encoded tensor that does not fit <paramref name="reference"/> (see <see cref="EncodedTensor.HasLayoutOf"/>) differs, worded like <see cref="ModelState.FindFirstMismatch"/>.</summary>
    internal static string DescribeLayoutMismatch(ModelState reference, EncodedTensor tensor)
    {
        if (tensor.Index >= reference.Count)
        {
            return $"tensor '{tensor.Name}' is not expected (expected {reference.Count} tensors)";
        }

        NamedTensor expected = reference[tensor.Index];
        if (!string.Equals(expected.Name, tensor.Name, StringComparison.Ordinal))
        {
            return $"tensor {tensor.Index} is named '{tensor.Name}' where '{expected.Name}' was expected";
        }

        if (expected.ElementType != tensor.ElementType)
        {
            return $"tensor '{expected.Name}' has element type {tensor.ElementType.DisplayName()} where {expected.ElementType.DisplayName()} was expected";
        }

        return $"tensor '{expected.Name}' has shape {NamedTensor.FormatShape(tensor.Shape)} where {expected.ShapeText} was expected";
    }

    /// <summary>
    /// Saves a model state to a <c>.pbuf</c> file. The file is written beside the target and renamed
    /// over it, so a crash never leaves a half-written state behind.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="path">The file path, e.g. <c>save/torch_cnn_best.pbuf</c>. Folders are created.</param>
    /// <param name="metadata">Optional descriptive entries.</param>
    public static void Save(ModelState state, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            ToProto(state, metadata, share: true).WriteTo(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Loads a model state from a <c>.pbuf</c> file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelStateException">The file is not a valid model state.</exception>
    public static ModelState Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No model state at '{path}'.", path);
        }

        try
        {
            return Deserialize(File.ReadAllBytes(path));
        }
        catch (ModelStateException ex)
        {
            throw new ModelStateException($"'{path}': {ex.Message}", ex);
        }
    }

    /// <summary>The OpenFL-style path of a saved state: <c>save/&lt;name&gt;_&lt;kind&gt;.pbuf</c>.</summary>
    /// <param name="workspace">The workspace folder.</param>
    /// <param name="modelName">The model's name, e.g. <c>torch_cnn_fashion_mnist</c>.</param>
    /// <param name="kind"><c>init</c>, <c>best</c> or <c>last</c>.</param>
    /// <returns>The path.</returns>
    public static string SavedStatePath(string workspace, string modelName, string kind) =>
        Path.Combine(workspace, "save", $"{modelName}_{kind}.pbuf");
}
