using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>
/// Knobs for <see cref="StrategyRegistry.Create(string, StrategySettings?)"/>: the common ones of
/// <see cref="FederatedStrategy"/> (null keeps the strategy's default) and the strategy's own in
/// <see cref="Options"/>, under Flower's names (<c>proximal_mu</c>, <c>eta</c>, <c>beta_1</c>, ...).
/// </summary>
public sealed record StrategySettings
{
    /// <summary>See <see cref="FederatedStrategy.FractionFit"/>.</summary>
    public double? FractionFit { get; init; }

    /// <summary>See <see cref="FederatedStrategy.FractionEvaluate"/>.</summary>
    public double? FractionEvaluate { get; init; }

    /// <summary>See <see cref="FederatedStrategy.MinFitClients"/>.</summary>
    public int? MinFitClients { get; init; }

    /// <summary>See <see cref="FederatedStrategy.MinEvaluateClients"/>.</summary>
    public int? MinEvaluateClients { get; init; }

    /// <summary>See <see cref="FederatedStrategy.MinAvailableClients"/>.</summary>
    public int? MinAvailableClients { get; init; }

    /// <summary>See <see cref="FederatedStrategy.AcceptFailures"/>.</summary>
    public bool? AcceptFailures { get; init; }

    /// <summary>See <see cref="FederatedStrategy.MinCompletionRateFit"/>.</summary>
    public double? MinCompletionRateFit { get; init; }

    /// <summary>See <see cref="FederatedStrategy.MinCompletionRateEvaluate"/>.</summary>
    public double? MinCompletionRateEvaluate { get; init; }

    /// <summary>See <see cref="FederatedStrategy.InitialParameters"/>.</summary>
    public ModelState? InitialParameters { get; init; }

    /// <summary>See <see cref="FederatedStrategy.OnFitConfig"/>.</summary>
    public Func<int, ConfigRecord>? OnFitConfig { get; init; }

    /// <summary>See <see cref="FederatedStrategy.OnEvaluateConfig"/>.</summary>
    public Func<int, ConfigRecord>? OnEvaluateConfig { get; init; }

    /// <summary>See <see cref="FederatedStrategy.Evaluate"/>.</summary>
    public EvaluateFunction? Evaluate { get; init; }

    /// <summary>See <see cref="FederatedStrategy.FitMetricsAggregation"/>.</summary>
    public MetricsAggregationFunction? FitMetricsAggregation { get; init; }

    /// <summary>See <see cref="FederatedStrategy.EvaluateMetricsAggregation"/>.</summary>
    public MetricsAggregationFunction? EvaluateMetricsAggregation { get; init; }

    /// <summary>The strategy's own knobs by Flower's names; a name the strategy does not have is an error. Default none.</summary>
    public ConfigRecord Options { get; init; } = ConfigRecord.Empty;
}
