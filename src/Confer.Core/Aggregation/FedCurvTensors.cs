namespace Confer.Core.Aggregation;

/// <summary>
/// FedCurv's (Shoham et al., 2019) tensors in a model state, named as OpenFL names its buffers:
/// for a parameter <c>p</c>, <c>p_u</c> holds the diagonal Fisher information F, <c>p_v</c>
/// F·θ and <c>p_w</c> F·θ² (θ the collaborator's trained value of <c>p</c>). The aggregator sums
/// them without weights; every other tensor is averaged.
/// </summary>
/// <remarks>
/// OpenFL sums any tensor whose name ends in <c>_u</c>, <c>_v</c> or <c>_w</c>. Confer recognises
/// a triple only when <c>p_u</c>, <c>p_v</c> and <c>p_w</c> all exist beside a floating-point
/// <c>p</c> of the same shape and type, so a model's own parameter that happens to end in
/// <c>_u</c> is still averaged.
/// </remarks>
public static class FedCurvTensors
{
    /// <summary>The suffix of F, the diagonal of the Fisher information: <c>_u</c>.</summary>
    public const string USuffix = "_u";

    /// <summary>The suffix of F·θ: <c>_v</c>.</summary>
    public const string VSuffix = "_v";

    /// <summary>The suffix of F·θ²: <c>_w</c>.</summary>
    public const string WSuffix = "_w";

    /// <summary>The names of <paramref name="parameter"/>'s three tensors: <c>p_u</c>, <c>p_v</c>, <c>p_w</c>.</summary>
    /// <param name="parameter">The parameter's name, e.g. <c>conv1.weight</c>.</param>
    /// <returns>The three names.</returns>
    public static (string U, string V, string W) NamesOf(string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        return (parameter + USuffix, parameter + VSuffix, parameter + WSuffix);
    }

    /// <summary>The parameters of <paramref name="state"/> that carry a full u, v, w triple, in the state's order.</summary>
    /// <param name="state">A model state.</param>
    /// <returns>The parameters' names; empty for a state without FedCurv tensors.</returns>
    public static IReadOnlyList<string> Parameters(ModelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var parameters = new List<string>();
        foreach (NamedTensor tensor in state)
        {
            if (tensor.ElementType.IsFloatingPoint() && HasTriple(state, tensor))
            {
                parameters.Add(tensor.Name);
            }
        }

        return parameters;
    }

    /// <summary>The names of every FedCurv tensor in <paramref name="state"/> (three per parameter of <see cref="Parameters"/>), in the state's order.</summary>
    /// <param name="state">A model state.</param>
    /// <returns>The names; empty for a state without FedCurv tensors.</returns>
    public static IReadOnlyList<string> Names(ModelState state)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string parameter in Parameters(state))
        {
            (string u, string v, string w) = NamesOf(parameter);
            names.Add(u);
            names.Add(v);
            names.Add(w);
        }

        return [.. state.Names.Where(names.Contains)];
    }

    /// <summary>
    /// <paramref name="state"/> followed by zero u, v, w tensors for each of
    /// <paramref name="parameters"/> (an initial global model for FedCurv: no collaborator has
    /// sent a Fisher yet, so the first round's penalty is zero). The state's tensors are shared, not copied.
    /// </summary>
    /// <param name="state">The model.</param>
    /// <param name="parameters">The trainable parameters, each a floating-point tensor of <paramref name="state"/>.</param>
    /// <returns>The model with the zero triples appended.</returns>
    /// <exception cref="ArgumentException">A parameter is missing or not floating-point, or a triple's name is taken.</exception>
    public static ModelState WithZeros(ModelState state, IEnumerable<string> parameters)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = new List<NamedTensor>(state);
        foreach (string parameter in parameters)
        {
            if (!state.TryGet(parameter, out NamedTensor? tensor) || !tensor.ElementType.IsFloatingPoint())
            {
                throw new ArgumentException($"FedCurv needs a floating-point tensor '{parameter}' in the model for its u, v, w tensors; the model has {(tensor is null ? "no such tensor" : tensor.ToString())}.", nameof(parameters));
            }

            (string u, string v, string w) = NamesOf(parameter);
            foreach (string name in (ReadOnlySpan<string>)[u, v, w])
            {
                if (state.Contains(name))
                {
                    throw new ArgumentException($"The model already has a tensor '{name}', the name of one of {parameter}'s FedCurv tensors.", nameof(parameters));
                }

                tensors.Add(NamedTensor.Zeros(name, tensor.ElementType, tensor.Shape));
            }
        }

        return new ModelState(tensors);
    }

    private static bool HasTriple(ModelState state, NamedTensor parameter)
    {
        (string u, string v, string w) = NamesOf(parameter.Name);
        return Same(u) && Same(v) && Same(w);

        bool Same(string name) => state.TryGet(name, out NamedTensor? tensor) && tensor.HasSameLayout(parameter);
    }
}
