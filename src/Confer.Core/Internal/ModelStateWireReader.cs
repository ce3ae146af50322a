using System.Text;

namespace Confer.Core.Internal;

/// <summary>
/// Reads <c>confer.v1.ModelStateProto</c> bytes in place, tensor by tensor, without copying tensor
/// data (Google.Protobuf's parser copies every <c>bytes</c> field into a new buffer). It follows the
/// protobuf rules a conforming parser follows: unknown fields and fields of an unexpected wire type
/// are skipped, the last occurrence of a singular field wins, <c>shape</c> is accepted packed or
/// not; anything truncated or ill-formed is a <see cref="ModelStateException"/>.
/// </summary>
internal ref struct ModelStateWireReader
{
    private const int VarintType = 0;
    private const int Fixed64Type = 1;
    private const int LengthDelimitedType = 2;
    private const int Fixed32Type = 5;

    private const int TensorsField = 1;
    private const int NameField = 1;
    private const int ElementTypeField = 2;
    private const int ShapeField = 3;
    private const int DataField = 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private ReadOnlySpan<byte> _rest;

    private ModelStateWireReader(ReadOnlySpan<byte> bytes) => _rest = bytes;

    public static void ReadTensors(ReadOnlySpan<byte> bytes, EncodedTensorAction action)
    {
        var reader = new ModelStateWireReader(bytes);
        var shape = new List<long>(8);
        int index = 0;
        while (!reader._rest.IsEmpty)
        {
            var (field, wireType) = reader.ReadTag();
            if (field == TensorsField && wireType == LengthDelimitedType)
            {
                ReadTensor(reader.ReadLengthDelimited(), index++, shape, action);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadTensor(ReadOnlySpan<byte> message, int index, List<long> shape, EncodedTensorAction action)
    {
        var reader = new ModelStateWireReader(message);
        string name = string.Empty;
        ulong elementType = 0;
        ReadOnlySpan<byte> data = default;
        shape.Clear();
        while (!reader._rest.IsEmpty)
        {
            var (field, wireType) = reader.ReadTag();
            switch (field, wireType)
            {
                case (NameField, LengthDelimitedType):
                    name = DecodeName(reader.ReadLengthDelimited(), index);
                    break;
                case (ElementTypeField, VarintType):
                    elementType = reader.ReadVarint();
                    break;
                case (ShapeField, VarintType):
                    shape.Add((long)reader.ReadVarint());
                    break;
                case (ShapeField, LengthDelimitedType):
                    var packed = new ModelStateWireReader(reader.ReadLengthDelimited());
                    while (!packed._rest.IsEmpty)
                    {
                        shape.Add((long)packed.ReadVarint());
                    }

                    break;
                case (DataField, LengthDelimitedType):
                    data = reader.ReadLengthDelimited();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        // An enum field keeps the low 32 bits of its varint, as every protobuf runtime does.
        var type = (ElementType)(int)(uint)elementType;
        if (!Enum.IsDefined(type))
        {
            throw new ModelStateException($"Tensor '{name}' has unknown element type {(int)(uint)elementType}.");
        }

        var dimensions = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shape);
        EnsureWellFormed(name, index, type, dimensions, data.Length);
        action(new EncodedTensor(index, name, type, dimensions, data));
    }

    /// <summary>The checks <see cref="NamedTensor"/>'s constructor makes, with the same wording.</summary>
    private static void EnsureWellFormed(string name, int index, ElementType type, ReadOnlySpan<long> shape, int dataLength)
    {
        if (name.Length == 0)
        {
            throw new ModelStateException($"Tensor {index} is malformed: a tensor needs a non-empty name.");
        }

        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ModelStateException($"Tensor '{name}' is malformed: it has a negative dimension {shape[i]} at axis {i}.");
            }

            if (shape[i] != 0 && count > long.MaxValue / shape[i] / type.SizeInBytes())
            {
                throw new ModelStateException($"Tensor '{name}' is malformed: its shape {NamedTensor.FormatShape(shape)} has more elements than can be stored.");
            }

            count *= shape[i];
        }

        long expected = count * type.SizeInBytes();
        if (dataLength != expected)
        {
            throw new ModelStateException($"Tensor '{name}' is malformed: shape {NamedTensor.FormatShape(shape)} and type {type.DisplayName()} need {expected} bytes, got {dataLength}.");
        }
    }

    private static string DecodeName(ReadOnlySpan<byte> bytes, int index)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ModelStateException($"The name of tensor {index} is not valid UTF-8.", ex);
        }
    }

    private (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        if (tag > uint.MaxValue || (tag >> 3) == 0)
        {
            throw Malformed($"invalid field tag {tag}");
        }

        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0, i = 0; i < 10; i++, shift += 7)
        {
            if (i >= _rest.Length)
            {
                throw Malformed("a varint is cut off");
            }

            byte b = _rest[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                _rest = _rest[(i + 1)..];
                return value;
            }
        }

        throw Malformed("a varint is longer than 10 bytes");
    }

    private ReadOnlySpan<byte> ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)_rest.Length)
        {
            throw Malformed($"a field declares {length} bytes but only {_rest.Length} remain");
        }

        var value = _rest[..(int)length];
        _rest = _rest[(int)length..];
        return value;
    }

    private void Skip(int wireType)
    {
        switch (wireType)
        {
            case VarintType:
                ReadVarint();
                break;
            case Fixed64Type:
                Take(8);
                break;
            case LengthDelimitedType:
                ReadLengthDelimited();
                break;
            case Fixed32Type:
                Take(4);
                break;
            default:
                throw Malformed($"wire type {wireType} is not used by this message");
        }
    }

    private void Take(int count)
    {
        if (_rest.Length < count)
        {
            throw Malformed("a fixed-size field is cut off");
        }

        _rest = _rest[count..];
    }

    private static ModelStateException Malformed(string problem) =>
        new($"The bytes are not a Confer model state (confer.v1.ModelStateProto): {problem}.");
}
