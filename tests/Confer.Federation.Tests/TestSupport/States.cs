using Confer.Core;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>Small model states for hand-computed cases.</summary>
internal static class States
{
    public static ModelState Vector(params float[] values) =>
        new([NamedTensor.Create<float>("w", [values.Length], values)]);

    public static ModelState TwoTensors(float[] w, float[] b) =>
        new([NamedTensor.Create<float>("w", [w.Length], w), NamedTensor.Create<float>("b", [b.Length], b)]);

    public static float[] Values(ModelState state, string name = "w") => state[name].AsReadOnlySpan<float>().ToArray();
}
