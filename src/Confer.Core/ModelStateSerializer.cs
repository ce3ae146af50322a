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
    public static ModelStateProto ToProto(ModelState state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var proto = new ModelStateProto();
        foreach (NamedTensor tensor in state)
        {
            proto.Tensors.Add(ToProto(tensor));
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
    public static TensorProto ToProto(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var proto = new TensorProto
        {
            Name = tensor.Name,
            ElementType = (Protos.V1.ElementType)(int)tensor.ElementType,
            Data = ByteString.CopyFrom(tensor.Bytes),
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
    public static ModelState FromProto(ModelStateProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var tensors = new List<NamedTensor>(proto.Tensors.Count);
        foreach (TensorProto t in proto.Tensors)
        {
            tensors.Add(FromProto(t));
        }

        return new ModelState(tensors);
    }

    /// <summary>Converts one tensor message, validating element type and data length.</summary>
    /// <param name="proto">The message.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ModelStateException">The message is not a valid tensor.</exception>
    public static NamedTensor FromProto(TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var elementType = (ElementType)(int)proto.ElementType;
        if (!Enum.IsDefined(elementType))
        {
            throw new ModelStateException($"Tensor '{proto.Name}' has unknown element type {(int)proto.ElementType}.");
        }

        try
        {
            return new NamedTensor(proto.Name, elementType, proto.Shape.ToArray(), proto.Data.ToByteArray());
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            throw new ModelStateException($"Tensor '{proto.Name}' is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>Encodes a model state as protobuf bytes.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(ModelState state) => ToProto(state).ToByteArray();

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

        return FromProto(proto);
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
            ToProto(state, metadata).WriteTo(stream);
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
