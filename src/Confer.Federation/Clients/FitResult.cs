using Confer.Core;

namespace Confer.Federation.Clients;

/// <summary>What a client returns from training (Flower's <c>FitRes</c>).</summary>
/// <param name="Parameters">The locally trained parameters: same names, order, shapes and element types as the global model, finite values.</param>
/// <param name="ExampleCount">The number of training examples; the weight of this result in example-weighted aggregation. Must be greater than zero.</param>
/// <param name="Metrics">Training metrics, e.g. <c>train_loss</c>; aggregated by the strategy's fit metrics aggregation function.</param>
public sealed record FitResult(ModelState Parameters, long ExampleCount, MetricRecord Metrics)
{
    /// <summary>Creates a result without metrics.</summary>
    /// <param name="parameters">The locally trained parameters.</param>
    /// <param name="exampleCount">The number of training examples.</param>
    public FitResult(ModelState parameters, long exampleCount)
        : this(parameters, exampleCount, MetricRecord.Empty)
    {
    }
}
