using Confer.Core.Aggregation;
using Confer.Protos.V1;
using CsCheck;
using Google.Protobuf;

namespace Confer.Core.Tests;

/// <summary>
/// Reading encoded model states in place (<see cref="ModelStateSerializer.ReadTensors"/>,
/// <see cref="ModelStateSerializer.DeserializeInto"/>, <see cref="UpdateValidator.ValidateEncoded"/>)
/// agrees with Google.Protobuf's parser and with the checks on decoded states.
/// </summary>
public sealed class EncodedModelStateTests
{
    private static ModelState Layout() => new(
    [
        NamedTensor.Create<float>("conv.weight", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]),
        NamedTensor.Create<double>("fc.bias", [2], [0.5, -0.5]),
        NamedTensor.Create<long>("bn.num_batches_tracked", [], [7L]),
        NamedTensor.Zeros("empty", ElementType.Float16, [0, 4]),
    ]);

    [Fact]
    public void ReadTensors_EveryElementType_SeesWhatTheProtobufParserSees()
    {
        var gen = Gen.Byte.Array[8 * 6];
        Property.ForAll(gen, bytes =>
        {
            var state = new ModelState(Enum.GetValues<Confer.Core.ElementType>().Select(type =>
                new NamedTensor($"t.{type}", type, [2, 3], bytes.AsSpan(0, 6 * type.SizeInBytes()).ToArray())));
            byte[] encoded = ModelStateSerializer.Serialize(state, new Dictionary<string, string> { ["round"] = "3" });

            var seen = new List<NamedTensor>();
            ModelStateSerializer.ReadTensors(encoded, t =>
            {
                Assert.Equal(seen.Count, t.Index);
                seen.Add(t.ToNamedTensor());
            });

            Assert.True(TestStates.BitIdentical(ModelStateSerializer.Deserialize(encoded), new ModelState(seen)));
        }, iterations: 20);
    }

    [Fact]
    public void ReadTensors_UnpackedShapeUnknownFieldsAndRepeatedData_FollowTheProtobufRules()
    {
        // Hand-written wire bytes: the shape as separate varints (unpacked), an unknown field of each
        // wire type, and the data field twice (the last one wins).
        using var tensor = new MemoryStream();
        var t = new CodedOutputStream(tensor);
        t.WriteTag(1, WireFormat.WireType.LengthDelimited);
        t.WriteString("w");
        t.WriteTag(2, WireFormat.WireType.Varint);
        t.WriteEnum((int)Protos.V1.ElementType.Float32);
        t.WriteTag(3, WireFormat.WireType.Varint);
        t.WriteInt64(2);
        t.WriteTag(9, WireFormat.WireType.Fixed64);
        t.WriteFixed64(42);
        t.WriteTag(10, WireFormat.WireType.Fixed32);
        t.WriteFixed32(42);
        t.WriteTag(4, WireFormat.WireType.LengthDelimited);
        t.WriteBytes(ByteString.CopyFrom(new byte[8]));
        t.WriteTag(4, WireFormat.WireType.LengthDelimited);
        t.WriteBytes(ByteString.CopyFrom(BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).ToArray()));
        t.WriteTag(11, WireFormat.WireType.Varint);
        t.WriteInt64(-1);
        t.Flush();
        using var state = new MemoryStream();
        var s = new CodedOutputStream(state);
        s.WriteTag(1, WireFormat.WireType.LengthDelimited);
        s.WriteBytes(ByteString.CopyFrom(tensor.ToArray()));
        s.Flush();
        byte[] encoded = state.ToArray();

        var target = new ModelState([NamedTensor.Zeros("w", Confer.Core.ElementType.Float32, [2])]);
        ModelStateSerializer.DeserializeInto(encoded, target);

        Assert.Equal([1.5f, -2f], target[0].AsReadOnlySpan<float>().ToArray());
        Assert.True(TestStates.BitIdentical(ModelStateSerializer.Deserialize(encoded), target));
    }

    [Fact]
    public void DeserializeInto_ReusesTheTargetsBuffersAndGivesTheDecodedValues()
    {
        ModelState source = Layout();
        ModelState target = source.ZerosLike();
        NamedTensor before = target[0];

        ModelStateSerializer.DeserializeInto(ModelStateSerializer.Serialize(source), target);

        Assert.Same(before, target[0]);
        Assert.True(TestStates.BitIdentical(source, target));
    }

    [Fact]
    public void DeserializeInto_ADifferentLayout_IsRefusedByName()
    {
        var other = new ModelState([NamedTensor.Create<float>("conv.weight", [3, 2], [1f, 2f, 3f, 4f, 5f, 6f])]);

        var ex = Assert.Throws<ModelStateException>(() => ModelStateSerializer.DeserializeInto(ModelStateSerializer.Serialize(other), Layout()));

        Assert.Equal("tensor 'conv.weight' has shape [3, 2] where [2, 3] was expected", ex.Message);
    }

    [Fact]
    public void DeserializeInto_MissingTensors_IsRefused()
    {
        var first = new ModelState([Layout()[0]]);

        var ex = Assert.Throws<ModelStateException>(() => ModelStateSerializer.DeserializeInto(ModelStateSerializer.Serialize(first), Layout()));

        Assert.Equal("The encoded state has 1 tensors where 4 were expected.", ex.Message);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "0A05", "a field declares 5 bytes but only 0 remain" },
        { "0A", "a varint is cut off" },
        { "08FFFFFFFFFFFFFFFFFFFF01", "a varint is longer than 10 bytes" },
        { "00", "invalid field tag 0" },
        { "0B", "wire type 3 is not used by this message" },
        { "0A0312", "a field declares" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void ReadTensors_IllFormedBytes_AreAModelStateException(string hex, string problem)
    {
        var ex = Assert.Throws<ModelStateException>(() => ModelStateSerializer.ReadTensors(Convert.FromHexString(hex), _ => { }));

        Assert.StartsWith("The bytes are not a Confer model state (confer.v1.ModelStateProto): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadTensors_TensorsThatCannotExist_AreRefusedAsTheDecoderRefusesThem()
    {
        static byte[] With(Action<TensorProto> change)
        {
            var proto = ModelStateSerializer.ToProto(new ModelState([NamedTensor.Create<float>("w", [2], [1f, 2f])]));
            change(proto.Tensors[0]);
            return proto.ToByteArray();
        }

        (byte[] Bytes, string Problem)[] cases =
        [
            (With(t => t.ElementType = (Protos.V1.ElementType)77), "Tensor 'w' has unknown element type 77."),
            (With(t => { t.Shape.Clear(); t.Shape.Add(-2); }), "Tensor 'w' is malformed: it has a negative dimension -2 at axis 0."),
            (With(t => { t.Shape.Clear(); t.Shape.Add([1L << 40, 1L << 40]); }), "Tensor 'w' is malformed: its shape [1099511627776, 1099511627776] has more elements than can be stored."),
            (With(t => t.Data = ByteString.CopyFrom(new byte[12])), "Tensor 'w' is malformed: shape [2] and type float32 need 8 bytes, got 12."),
            (With(t => t.Name = string.Empty), "Tensor 0 is malformed: a tensor needs a non-empty name."),
        ];
        foreach (var (bytes, problem) in cases)
        {
            var ex = Assert.Throws<ModelStateException>(() => ModelStateSerializer.ReadTensors(bytes, _ => { }));
            Assert.Equal(problem, ex.Message);
            Assert.Throws<ModelStateException>(() => ModelStateSerializer.Deserialize(bytes));
        }
    }

    [Fact]
    public void ValidateEncoded_AnHonestUpdate_Passes()
    {
        UpdateValidator.ValidateEncoded(Layout(), ModelStateSerializer.Serialize(Layout()), "the update from portland");
    }

    [Fact]
    public void ValidateEncoded_SaysWhatTheDecodedChecksSay()
    {
        ModelState reference = Layout();
        ModelState[] bad =
        [
            new([reference[0], reference[1], reference[2]]),
            new([reference[1], reference[0], reference[2], reference[3]]),
            new([NamedTensor.Create<float>("conv.weight", [6], [1f, 2f, 3f, 4f, 5f, 6f]), reference[1], reference[2], reference[3]]),
            new([NamedTensor.Create<float>("conv.weight", [2, 3], [1f, 2f, float.NaN, 4f, 5f, 6f]), reference[1], reference[2], reference[3]]),
            new([reference[0], NamedTensor.Create<double>("fc.bias", [2], [0.5, double.NegativeInfinity]), reference[2], reference[3]]),
            new([.. reference, NamedTensor.Create<float>("extra", [1], [0f])]),
        ];
        foreach (ModelState update in bad)
        {
            var decoded = Assert.Throws<UpdateRejectedException>(() =>
            {
                UpdateValidator.EnsureSameLayout(reference, update, "the update from portland");
                UpdateValidator.EnsureFinite(update, "the update from portland");
            });
            var encoded = Assert.Throws<UpdateRejectedException>(() => UpdateValidator.ValidateEncoded(reference, ModelStateSerializer.Serialize(update), "the update from portland"));

            Assert.Equal(decoded.Reason, encoded.Reason);
            Assert.Equal(decoded.TensorName, encoded.TensorName);
            Assert.Equal(decoded.ElementIndex, encoded.ElementIndex);
            if (decoded.Reason == UpdateRejectionReason.NonFiniteValue)
            {
                Assert.Equal(decoded.Message, encoded.Message);
            }
            else
            {
                Assert.StartsWith("The update from portland does not match the global model: ", encoded.Message, StringComparison.Ordinal);
            }
        }
    }
}
