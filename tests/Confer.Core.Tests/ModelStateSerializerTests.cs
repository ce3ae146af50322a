using System.Runtime.InteropServices;
using CsCheck;
using Google.Protobuf;

namespace Confer.Core.Tests;

public sealed class ModelStateSerializerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "confer-core-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void SaveLoad_EveryElementType_RoundTripsBytesExactly()
    {
        // Random bytes cover NaN payloads, negative zero, subnormals and every bit pattern of each type.
        var gen = Gen.Byte.Array[8 * 12];
        Property.ForAll(gen, bytes =>
        {
            var tensors = Enum.GetValues<ElementType>().Select(type =>
            {
                int count = 12;
                byte[] data = bytes.AsSpan(0, count * type.SizeInBytes()).ToArray();
                return new NamedTensor($"t.{type}", type, [3, 4], data);
            }).ToList();
            tensors.Add(new NamedTensor("scalar", ElementType.Float32, [], new byte[4] { 1, 2, 3, 4 }));
            tensors.Add(new NamedTensor("empty", ElementType.Int64, [0, 5], []));
            var state = new ModelState(tensors);
            string path = ModelStateSerializer.SavedStatePath(_folder, "cnn", "last");

            ModelStateSerializer.Save(state, path);
            var loaded = ModelStateSerializer.Load(path);

            Assert.Null(state.FindFirstMismatch(loaded));
            Assert.True(TestStates.BitIdentical(state, loaded));
            Assert.Equal(state.ComputeHash(), loaded.ComputeHash());
        }, iterations: 20);
    }

    [Fact]
    public void Serialize_WithMetadata_GivesTheSameBytesAsTheMessageAndDecodesToIndependentTensors()
    {
        var state = new ModelState([NamedTensor.Create<float>("w", [3], [1f, -2f, 3.5f]), NamedTensor.Create<long>("n", [2], [7L, 8L])]);
        var metadata = new Dictionary<string, string> { ["round"] = "4" };

        byte[] bytes = ModelStateSerializer.Serialize(state, metadata);
        using var stream = new MemoryStream();
        ModelStateSerializer.Serialize(state, stream, metadata);
        var fromSpan = ModelStateSerializer.Deserialize(bytes);
        stream.Position = 0;
        var fromStream = ModelStateSerializer.Deserialize(stream);
        fromSpan[0].AsSpan<float>()[0] = 99f;

        Assert.Equal(ModelStateSerializer.ToProto(state, metadata).ToByteArray(), bytes);
        Assert.Equal(bytes, stream.ToArray());
        Assert.True(TestStates.BitIdentical(state, fromStream));
        Assert.Equal(1f, state[0].AsReadOnlySpan<float>()[0]);
        Assert.Equal(1f, fromStream[0].AsReadOnlySpan<float>()[0]);
        Assert.Equal(bytes, ModelStateSerializer.Serialize(state, metadata));
    }

    [Fact]
    public void Deserialize_Garbage_ThrowsModelStateException()
    {
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12, 0x34];

        Assert.Throws<ModelStateException>(() => ModelStateSerializer.Deserialize(garbage));
    }

    [Fact]
    public void Deserialize_TruncatedFile_ThrowsModelStateException()
    {
        byte[] whole = ModelStateSerializer.Serialize(TestStates.Model([1f, 2f, 3f], [4.0, 5.0]));

        Assert.Throws<ModelStateException>(() => ModelStateSerializer.Deserialize(whole.AsSpan(0, whole.Length - 3)));
    }

    [Fact]
    public void Deserialize_DataLengthNotMatchingShape_ThrowsNamingTheTensor()
    {
        var proto = ModelStateSerializer.ToProto(TestStates.Single("conv1.weight", [1f, 2f]));
        proto.Tensors[0].Shape[0] = 3;

        var ex = Assert.Throws<ModelStateException>(() => ModelStateSerializer.Deserialize(MemoryMarshal.AsBytes(proto.ToByteArrayForTest().AsSpan())));

        Assert.Contains("conv1.weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ModelStateSerializer.Load(Path.Combine(_folder, "none.pbuf")));
    }
}

internal static class ProtoTestExtensions
{
    public static byte[] ToByteArrayForTest(this Google.Protobuf.IMessage message) => Google.Protobuf.MessageExtensions.ToByteArray(message);
}
