using System.Security.Cryptography;
using Confer.Protos.V1;
using Google.Protobuf;

namespace Confer.Core;

/// <summary>
/// A model state's protobuf encoding (<c>confer.v1.ModelStateProto</c>, the bytes
/// <see cref="ModelStateSerializer.Serialize(ModelState, IReadOnlyDictionary{string, string}?)"/> returns) kept as a sequence of
/// segments: a few framing bytes per tensor, and the tensors' own buffers, not copied. For sending a
/// large model in chunks without first building a model-sized array.
/// </summary>
/// <remarks>
/// The segments alias the tensors' buffers: the state must not change while the encoding is used.
/// </remarks>
public sealed class SegmentedModelState
{
    private readonly ReadOnlyMemory<byte>[] _segments;

    // _starts[i]: the offset of segment i in the encoding; _starts[^1]: the length. No segment is
    // empty (a tensor's framing is at least two bytes, its data is left out when it has none), so
    // the starts strictly increase.
    private readonly long[] _starts;

    private SegmentedModelState(List<ReadOnlyMemory<byte>> segments)
    {
        _segments = [.. segments];
        _starts = new long[_segments.Length + 1];
        for (int i = 0; i < _segments.Length; i++)
        {
            _starts[i + 1] = _starts[i] + _segments[i].Length;
        }
    }

    /// <summary>The length of the encoding in bytes.</summary>
    public long Length => _starts[^1];

    /// <summary>Encodes a state; its tensors' bytes are referenced, not copied.</summary>
    /// <param name="state">The state.</param>
    /// <param name="metadata">Optional descriptive entries, as for <see cref="ModelStateSerializer.Serialize(ModelState, IReadOnlyDictionary{string, string}?)"/>.</param>
    /// <returns>The encoding.</returns>
    public static SegmentedModelState Create(ModelState state, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var segments = new List<ReadOnlyMemory<byte>>((2 * state.Count) + 1);
        foreach (NamedTensor tensor in state)
        {
            // Google.Protobuf writes a message's fields in field-number order and data (4) is the
            // last field of TensorProto: its other fields, encoded by Google.Protobuf, then the data
            // field written here, are exactly the bytes of the whole message.
            var fields = new TensorProto { Name = tensor.Name, ElementType = (Protos.V1.ElementType)(int)tensor.ElementType };
            foreach (long d in tensor.Shape)
            {
                fields.Shape.Add(d);
            }

            int fieldsLength = fields.CalculateSize();
            long dataLength = tensor.ByteCount;
            long messageLength = fieldsLength + (dataLength > 0 ? 1 + CodedOutputStream.ComputeLengthSize(checked((int)dataLength)) + dataLength : 0);
            var prefix = new byte[1 + CodedOutputStream.ComputeLengthSize(checked((int)messageLength)) + fieldsLength + (dataLength > 0 ? 1 + CodedOutputStream.ComputeLengthSize((int)dataLength) : 0)];
            var output = new CodedOutputStream(prefix);
            output.WriteTag(ModelStateProto.TensorsFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteLength((int)messageLength);
            fields.WriteTo(output);
            if (dataLength > 0)
            {
                output.WriteTag(TensorProto.DataFieldNumber, WireFormat.WireType.LengthDelimited);
                output.WriteLength((int)dataLength);
            }

            output.CheckNoSpaceLeft();
            segments.Add(prefix);
            if (dataLength > 0)
            {
                segments.Add(tensor.Memory);
            }
        }

        if (metadata is { Count: > 0 })
        {
            // Field 2 after field 1, as Google.Protobuf writes them.
            var trailer = new ModelStateProto();
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                trailer.Metadata.Add(entry.Key, entry.Value);
            }

            segments.Add(trailer.ToByteArray());
        }

        return new SegmentedModelState(segments);
    }

    /// <summary>The SHA-256 of the encoding.</summary>
    /// <returns>The 32-byte hash.</returns>
    public byte[] ComputeSha256()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (ReadOnlyMemory<byte> segment in _segments)
        {
            hash.AppendData(segment.Span);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>The encoding as one new array (for small states and tests).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray()
    {
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        CopyTo(0, bytes);
        return bytes;
    }

    /// <summary>
    /// The encoding from <paramref name="offset"/> on, in pieces of at most
    /// <paramref name="maxChunkSize"/> bytes. A piece that lies inside one segment is a view of it;
    /// only a piece that spans segments (around a tensor's few framing bytes) is copied.
    /// </summary>
    /// <param name="offset">Where to start, from 0 to <see cref="Length"/>.</param>
    /// <param name="maxChunkSize">The largest piece.</param>
    /// <returns>Each piece with its offset in the encoding; none when <paramref name="offset"/> is <see cref="Length"/>.</returns>
    public IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Chunks(long offset, int maxChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkSize);
        return Iterate(offset, maxChunkSize);
    }

    private IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Iterate(long offset, int maxChunkSize)
    {
        while (offset < Length)
        {
            int segment = SegmentAt(offset);
            int within = (int)(offset - _starts[segment]);
            int left = _segments[segment].Length - within;
            ReadOnlyMemory<byte> chunk;
            if (left >= maxChunkSize || offset + left == Length)
            {
                chunk = _segments[segment].Slice(within, Math.Min(left, maxChunkSize));
            }
            else
            {
                var copy = new byte[(int)Math.Min(maxChunkSize, Length - offset)];
                CopyTo(offset, copy);
                chunk = copy;
            }

            yield return (offset, chunk);
            offset += chunk.Length;
        }
    }

    /// <summary>Copies the encoding's bytes from <paramref name="offset"/> into <paramref name="destination"/>, which must fit within the encoding.</summary>
    private void CopyTo(long offset, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        int segment = SegmentAt(offset);
        int within = (int)(offset - _starts[segment]);
        while (!destination.IsEmpty)
        {
            ReadOnlySpan<byte> source = _segments[segment].Span[within..];
            int n = Math.Min(source.Length, destination.Length);
            source[..n].CopyTo(destination);
            destination = destination[n..];
            segment++;
            within = 0;
        }
    }

    /// <summary>The segment holding byte <paramref name="offset"/> (0 ≤ offset &lt; <see cref="Length"/>); no segment is empty.</summary>
    private int SegmentAt(long offset)
    {
        int i = Array.BinarySearch(_starts, 0, _segments.Length, offset);
        return i >= 0 ? i : ~i - 1;
    }
}
