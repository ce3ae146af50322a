using System.Security.Cryptography;
using CsCheck;

namespace Confer.Core.Tests;

/// <summary>A model state's encoding kept as segments is the serializer's encoding, byte for byte, and its chunks cover it exactly.</summary>
public sealed class SegmentedModelStateTests
{
    private static readonly Gen<ModelState> States =
        Gen.Int[0, 4].SelectMany(count => Gen.Int[0, 40].Array[count].Select(sizes => new ModelState(
            sizes.Select((size, i) => new NamedTensor($"t{i}", i % 2 == 0 ? ElementType.Float32 : ElementType.UInt8, [size], new byte[size * (i % 2 == 0 ? 4 : 1)].Select((_, j) => (byte)(j * 7 + i)).ToArray())))));

    [Fact]
    public void Segments_AreTheSerializersBytes_WithAndWithoutMetadata_AndReferenceTheTensorsBuffers()
    {
        Property.ForAll(Gen.Select(States, Gen.Bool), input =>
        {
            var (state, withMetadata) = input;
            var metadata = withMetadata ? new Dictionary<string, string> { ["round"] = "12", ["b"] = "x" } : null;
            var segmented = SegmentedModelState.Create(state, metadata);

            var expected = ModelStateSerializer.Serialize(state, metadata);
            Assert.Equal(expected, segmented.ToArray());
            Assert.Equal(expected.LongLength, segmented.Length);
            Assert.Equal(SHA256.HashData(expected), segmented.ComputeSha256());
        }, iterations: 60);
    }

    [Fact]
    public void Segments_OfALargeTensor_IsItsBufferNotACopy()
    {
        var tensor = NamedTensor.Create<float>("w", [100_000], new float[100_000]);
        var segmented = SegmentedModelState.Create(new ModelState([tensor]));

        tensor.AsSpan<float>()[5] = 42f;

        Assert.Equal(ModelStateSerializer.Serialize(new ModelState([tensor])), segmented.ToArray());
    }

    [Fact]
    public void Chunks_FromAnyOffset_CoverTheRestExactly_WithinTheMaximum_AndLargeTensorsAreNotCopied()
    {
        var state = new ModelState(
        [
            NamedTensor.Create<float>("a", [3000], Enumerable.Range(0, 3000).Select(i => (float)i).ToArray()),
            NamedTensor.Create<float>("b", [2], [1f, 2f]),
            NamedTensor.Create<float>("c", [5000], Enumerable.Range(0, 5000).Select(i => -(float)i).ToArray()),
        ]);
        var metadata = new Dictionary<string, string> { ["round"] = "3" };
        var segmented = SegmentedModelState.Create(state, metadata);
        var expected = ModelStateSerializer.Serialize(state, metadata);

        foreach (var max in new[] { 1, 7, 1000, 4096, 1 << 20 })
        {
            foreach (var start in new long[] { 0, 1, 5, 4000, expected.Length - 1, expected.Length })
            {
                var received = new List<byte>();
                var position = start;
                foreach (var (offset, data) in segmented.Chunks(start, max))
                {
                    Assert.Equal(position, offset);
                    Assert.InRange(data.Length, 1, max);
                    received.AddRange(data.ToArray());
                    position += data.Length;
                }

                Assert.Equal(expected.AsSpan((int)start).ToArray(), received.ToArray());
            }
        }

        // With 4 KiB chunks, a full chunk inside tensor c's 20,000 bytes is a view of c's buffer.
        var inside = segmented.Chunks(0, 4096).First(c => c.Offset > 12_100 && c.Data.Length == 4096);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(inside.Data, out var segment));
        Assert.Same(state[2].GetBuffer(), segment.Array);
    }

    [Fact]
    public void Chunks_OffsetOutsideTheEncoding_IsRefused()
    {
        var segmented = SegmentedModelState.Create(new ModelState([NamedTensor.Create<float>("w", [1], [1f])]));

        Assert.Throws<ArgumentOutOfRangeException>(() => segmented.Chunks(segmented.Length + 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => segmented.Chunks(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => segmented.Chunks(0, 0));
    }
}
