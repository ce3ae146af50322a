namespace Confer.Core.Tests;

internal static class TestStates
{
    /// <summary>A two-tensor model: a float32 weight vector and a float64 bias vector.</summary>
    public static ModelState Model(float[] weight, double[] bias) => new(
    [
        NamedTensor.Create<float>("layer.weight", [weight.Length], weight),
        NamedTensor.Create<double>("layer.bias", [bias.Length], bias),
    ]);

    public static ModelState Single(string name, float[] values) => new([NamedTensor.Create<float>(name, [values.Length], values)]);

    public static ModelState Doubles(double[] values) => new([NamedTensor.Create<double>("w", [values.Length], values)]);

    public static ModelState Int64s(long[] values) => new([NamedTensor.Create<long>("num_batches_tracked", [values.Length], values)]);

    public static bool BitIdentical(ModelState a, ModelState b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Bytes.SequenceEqual(p.Second.Bytes));
}
