using Confer.Core;
using Confer.Testing;
using Confer.Workflow.Tests.Flows;

namespace Confer.Workflow.Tests;

public sealed class CodecTests
{
    [Fact]
    public async Task Next_CarryingAValueWithoutCodec_FailsNamingTheAttributeAndSuggestingExcludeOrPrivate()
    {
        using var store = new TempDirectory();
        var flow = new CodecFlow { Runtime = TestRuntime.Create(store.Path, privates: false) };

        var error = await Assert.ThrowsAsync<MissingCodecException>(() => flow.RunAsync().DefaultTimeout());

        Assert.Equal("Loader", error.Attribute);
        Assert.Equal("Start", error.Step);
        Assert.Equal(typeof(Opaque), error.AttributeType);
        Assert.Contains("Step 'Start' cannot carry attribute 'Loader' (Opaque) to 'Work': no codec is registered for Opaque.", error.Message, StringComparison.Ordinal);
        Assert.Contains("exclude: [nameof(Loader)]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[Private]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_ExcludingTheValueWithoutCodec_RunsAndCarriesRecordsEnumsAndNullables()
    {
        using var store = new TempDirectory();
        var flow = new CodecFlow { Mode = "exclude", Checkpoint = true, Runtime = TestRuntime.Create(store.Path, privates: false) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        Assert.Equal(["Bangalore", "Chandler", "Portland", "Seattle"], flow.Received.Select(m => m.Name));
        Assert.Equal([1, 2, 9], flow.Received[0].Counts);
        Assert.Equal(0.25, flow.Received[0].PerClass["shirt"]);
        using RunStore runs = RunStore.Open(store.Path);
        TaskInfo work = runs.GetRun(result.RunId).Step("Work").TasksOf("Portland").Single();
        Assert.Equal(0.5 + (8 / 100.0), work.Data.Get<Metrics>("Summary")!.Accuracy);
        Assert.Equal(Phase.Training, work.Data.Get<Phase>("Phase"));
        Assert.Equal(8L, work.Data.Get<long?>("Maybe"));
        Assert.True(work.Data["Model"].IsNull);
        Assert.Contains("\"Name\":\"Portland\"", work.Data["Summary"].Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultRegistry_RefusesArbitraryClassesAndObject_AndTakesDataShapedTypes()
    {
        CodecRegistry codecs = CodecRegistry.CreateDefault();

        Assert.Null(codecs.Find(typeof(Opaque)));
        Assert.Null(codecs.Find(typeof(object)));
        Assert.Null(codecs.Find(typeof(Action)));
        Assert.Null(codecs.Find(typeof(List<Opaque>)));
        Assert.Equal("json", codecs.Find(typeof(Metrics))!.Name);
        Assert.Equal("json", codecs.Find(typeof(IReadOnlyDictionary<string, List<double[]>>))!.Name);
        Assert.Equal("json", codecs.Find(typeof(Phase))!.Name);
        Assert.Equal("model-state", codecs.Find(typeof(ModelState))!.Name);
        Assert.Equal("json", codecs.AddJson<Opaque>().Find(typeof(Opaque))!.Name);
    }

    [Fact]
    public void Codecs_RoundTripDoublesBitForBit_IncludingNegativeZeroAndNaN()
    {
        CodecRegistry codecs = CodecRegistry.CreateDefault();
        double[] values = [-0.0, double.NaN, double.PositiveInfinity, 1.0 / 3.0, double.Epsilon, 1e308];
        AttributeCodec codec = codecs.Find(typeof(double[]))!;

        var back = (double[])codec.Decode(codec.Encode(values, typeof(double[])), typeof(double[]));

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void ModelStateCodec_RoundTripsAndDescribes()
    {
        var state = new ModelState([NamedTensor.Create<float>("fc.weight", [2, 2], [1f, 2f, 3f, 4f])]);
        AttributeCodec codec = CodecRegistry.CreateDefault().Find(typeof(ModelState))!;

        byte[] bytes = codec.Encode(state, typeof(ModelState));
        var back = (ModelState)codec.Decode(bytes, typeof(ModelState));

        Assert.Equal(state.ComputeHash(), back.ComputeHash());
        Assert.StartsWith("ModelState: 1 tensors, 4 elements", codec.Describe(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserCodec_CarriesATypeTheDefaultsRefuse()
    {
        using var store = new TempDirectory();
        CodecRegistry codecs = CodecRegistry.CreateDefault().Add(AttributeCodec.Create<Opaque>(
            "opaque",
            o => BitConverter.GetBytes(o.Handle),
            b => new Opaque { Handle = BitConverter.ToInt32(b) }));
        var flow = new CodecFlow { Runtime = TestRuntime.Create(store.Path, configure: o => o.Codecs = codecs, privates: false) };

        FlowRunResult result = await flow.RunAsync().DefaultTimeout();

        Assert.Contains(result.Egress, e => e.Attribute == "Loader" && e.Codec == "opaque" && e.Size == 4);
    }
}
