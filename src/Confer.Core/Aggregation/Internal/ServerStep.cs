using System.Globalization;

namespace Confer.Core.Aggregation.Internal;

/// <summary>
/// The element-wise driver shared by the server optimizers: it walks the floating-point tensors of
/// the global model in blocks, hands the rule float64 copies of x, the aggregated model and the
/// optimizer's two state buffers, and writes the results back in each tensor's type.
/// </summary>
internal static class ServerStep
{
    private const int Block = 1024;

    /// <summary>Computes new x (in place in <c>x</c>) and new state buffers (in place) for one block.</summary>
    public delegate void BlockRule(Span<double> x, ReadOnlySpan<double> aggregated, Span<double> first, Span<double> second);

    /// <summary>
    /// Zero-filled (or <paramref name="initialValue"/>-filled) state buffers for the floating-point
    /// tensors of <paramref name="global"/>: float64 for float64 tensors, float32 otherwise.
    /// </summary>
    public static ModelState CreateState(ModelState global, double initialValue)
    {
        var tensors = new List<NamedTensor>();
        foreach (NamedTensor tensor in global)
        {
            if (!tensor.ElementType.IsFloatingPoint())
            {
                continue;
            }

            ElementType type = tensor.ElementType == ElementType.Float64 ? ElementType.Float64 : ElementType.Float32;
            NamedTensor state = NamedTensor.Zeros(tensor.Name, type, tensor.Shape);
            if (initialValue != 0)
            {
                if (type == ElementType.Float64)
                {
                    state.AsSpan<double>().Fill(initialValue);
                }
                else
                {
                    state.AsSpan<float>().Fill((float)initialValue);
                }
            }

            tensors.Add(state);
        }

        return new ModelState(tensors);
    }

    /// <summary>Checks that restored state buffers are the ones <see cref="CreateState"/> would make for <paramref name="global"/>.</summary>
    public static void EnsureStateMatches(ModelState global, ModelState state, string stateName)
    {
        var layout = new List<NamedTensor>();
        foreach (NamedTensor tensor in global)
        {
            if (tensor.ElementType.IsFloatingPoint())
            {
                ElementType type = tensor.ElementType == ElementType.Float64 ? ElementType.Float64 : ElementType.Float32;
                layout.Add(new NamedTensor(tensor.Name, type, tensor.Shape, new byte[tensor.ElementCount * type.SizeInBytes()]));
            }
        }

        new ModelState(layout).EnsureCompatible(state, $"the server optimizer's restored '{stateName}' state");
    }

    /// <summary>Applies <paramref name="rule"/> to every floating-point tensor; other tensors take the aggregated value.</summary>
    public static ModelState Apply(ModelState global, ModelState aggregated, ModelState first, ModelState? second, BlockRule rule)
    {
        var result = new NamedTensor[global.Count];
        var x = new double[Block];
        var agg = new double[Block];
        var s1 = new double[Block];
        var s2 = new double[Block];
        for (int t = 0; t < global.Count; t++)
        {
            NamedTensor current = global[t];
            if (!current.ElementType.IsFloatingPoint())
            {
                result[t] = aggregated[t].Clone();
                continue;
            }

            NamedTensor next = current.ZerosLike();
            NamedTensor firstState = first[current.Name];
            NamedTensor? secondState = second?[current.Name];
            long count = current.ElementCount;
            for (long start = 0; start < count; start += Block)
            {
                int length = (int)Math.Min(Block, count - start);
                ElementKernels.ReadAsDouble(current, start, x.AsSpan(0, length));
                ElementKernels.ReadAsDouble(aggregated[t], start, agg.AsSpan(0, length));
                ElementKernels.ReadAsDouble(firstState, start, s1.AsSpan(0, length));
                if (secondState is not null)
                {
                    ElementKernels.ReadAsDouble(secondState, start, s2.AsSpan(0, length));
                }

                rule(x.AsSpan(0, length), agg.AsSpan(0, length), s1.AsSpan(0, length), s2.AsSpan(0, length));
                ElementKernels.WriteFromDouble(next, start, x.AsSpan(0, length));
                ElementKernels.WriteFromDouble(firstState, start, s1.AsSpan(0, length));
                if (secondState is not null)
                {
                    ElementKernels.WriteFromDouble(secondState, start, s2.AsSpan(0, length));
                }
            }

            result[t] = next;
        }

        return new ModelState(result);
    }

    /// <summary>Joins named state buffers into one state with prefixed tensor names.</summary>
    public static ModelState Export(params (string Prefix, ModelState? State)[] parts)
    {
        var tensors = new List<NamedTensor>();
        foreach ((string prefix, ModelState? state) in parts)
        {
            if (state is null)
            {
                continue;
            }

            foreach (NamedTensor tensor in state)
            {
                tensors.Add(tensor.CloneAs(prefix + "/" + tensor.Name));
            }
        }

        return new ModelState(tensors);
    }

    /// <summary>Splits an exported state back into its buffers; null where a buffer is absent.</summary>
    public static ModelState?[] Import(ModelState state, params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(state);
        var buckets = prefixes.Select(_ => new List<NamedTensor>()).ToArray();
        foreach (NamedTensor tensor in state)
        {
            int slash = tensor.Name.IndexOf('/', StringComparison.Ordinal);
            int bucket = slash > 0 ? Array.IndexOf(prefixes, tensor.Name[..slash]) : -1;
            if (bucket < 0)
            {
                throw new ModelStateException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Server optimizer state has a tensor '{tensor.Name}'; expected names starting with {string.Join(" or ", prefixes.Select(p => $"'{p}/'"))}."));
            }

            buckets[bucket].Add(tensor.CloneAs(tensor.Name[(slash + 1)..]));
        }

        return buckets.Select(b => b.Count == 0 ? null : new ModelState(b)).ToArray();
    }
}
