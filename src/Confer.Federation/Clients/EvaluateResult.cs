namespace Confer.Federation.Clients;

/// <summary>What a client returns from evaluation (Flower's <c>EvaluateRes</c>).</summary>
/// <param name="Loss">The loss on the client's evaluation data; must be finite.</param>
/// <param name="ExampleCount">The number of evaluation examples; the weight of this loss in the distributed loss. Must be greater than zero.</param>
/// <param name="Metrics">Evaluation metrics, e.g. <c>accuracy</c>; aggregated by the strategy's evaluate metrics aggregation function.</param>
public sealed record EvaluateResult(double Loss, long ExampleCount, MetricRecord Metrics)
{
    /// <summary>Creates a result without metrics.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="exampleCount">The number of evaluation examples.</param>
    public EvaluateResult(double loss, long exampleCount)
        : this(loss, exampleCount, MetricRecord.Empty)
    {
    }
}
