using System.Numerics.Tensors;
using Confer.Core;

namespace Confer.Federation.Grpc.Internal;

/// <summary>Element-wise sums and differences of model states with the same layout (for delta updates).</summary>
internal static class ModelStateArithmetic
{
    public static ModelState Add(ModelState a, ModelState b) => Combine(a, b, subtract: false);

    public static ModelState Subtract(ModelState a, ModelState b) => Combine(a, b, subtract: true);

    /// <summary>Adds <paramref name="addend"/> into <paramref name="target"/> (same layout): target ← addend + target.</summary>
    public static void AddInPlace(ModelState target, ModelState addend)
    {
        addend.EnsureCompatible(target);
        for (var i = 0; i < target.Count; i++)
        {
            var x = addend[i];
            var y = target[i];
            switch (x.ElementType)
            {
                case ElementType.Float32:
                    Apply(x.AsReadOnlySpan<float>(), y.AsSpan<float>(), subtract: false);
                    break;
                case ElementType.Float64:
                    Apply(x.AsReadOnlySpan<double>(), y.AsSpan<double>(), subtract: false);
                    break;
                case ElementType.Int64:
                    Apply(x.AsReadOnlySpan<long>(), y.AsSpan<long>(), subtract: false);
                    break;
                case ElementType.Int32:
                    Apply(x.AsReadOnlySpan<int>(), y.AsSpan<int>(), subtract: false);
                    break;
                default:
                    throw new ModelStateException($"Delta updates are not supported for tensor '{x.Name}' of element type {x.ElementType.DisplayName()}.");
            }
        }
    }

    private static ModelState Combine(ModelState a, ModelState b, bool subtract)
    {
        a.EnsureCompatible(b);
        var tensors = new List<NamedTensor>(a.Count);
        for (var i = 0; i < a.Count; i++)
        {
            var x = a[i];
            var result = b[x.Name].Clone();
            switch (x.ElementType)
            {
                case ElementType.Float32:
                    Apply(x.AsReadOnlySpan<float>(), result.AsSpan<float>(), subtract);
                    break;
                case ElementType.Float64:
                    Apply(x.AsReadOnlySpan<double>(), result.AsSpan<double>(), subtract);
                    break;
                case ElementType.Int64:
                    Apply(x.AsReadOnlySpan<long>(), result.AsSpan<long>(), subtract);
                    break;
                case ElementType.Int32:
                    Apply(x.AsReadOnlySpan<int>(), result.AsSpan<int>(), subtract);
                    break;
                default:
                    throw new ModelStateException($"Delta updates are not supported for tensor '{x.Name}' of element type {x.ElementType.DisplayName()}.");
            }

            tensors.Add(result);
        }

        return new ModelState(tensors);
    }

    private static void Apply<T>(ReadOnlySpan<T> x, Span<T> y, bool subtract)
        where T : System.Numerics.INumber<T>
    {
        if (subtract)
        {
            TensorPrimitives.Subtract(x, y, y);
        }
        else
        {
            TensorPrimitives.Add(x, y, y);
        }
    }
}
