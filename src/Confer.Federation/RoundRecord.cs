namespace Confer.Federation;

/// <summary>What happened in one round: one entry of a <see cref="History"/> and of <c>history.json</c>.</summary>
public sealed record RoundRecord
{
    /// <summary>The round, 1-based.</summary>
    public required int Round { get; init; }

    /// <summary>The example-weighted loss of distributed evaluation, or <see langword="null"/> when there was none.</summary>
    public double? LossDistributed { get; init; }

    /// <summary>The aggregated metrics of distributed evaluation.</summary>
    public MetricRecord MetricsDistributed { get; init; } = MetricRecord.Empty;

    /// <summary>The aggregated metrics the clients reported from training.</summary>
    public MetricRecord MetricsDistributedFit { get; init; } = MetricRecord.Empty;

    /// <summary>The loss of centralized evaluation of the new global model, or <see langword="null"/> when there was none.</summary>
    public double? LossCentralized { get; init; }

    /// <summary>The metrics of centralized evaluation.</summary>
    public MetricRecord MetricsCentralized { get; init; } = MetricRecord.Empty;

    /// <summary>The number of training-phase replies accepted (with a plan: every task's, validation included).</summary>
    public int FitResults { get; init; }

    /// <summary>The number of those replies whose arrays were aggregated into the model.</summary>
    public int ModelsAggregated { get; init; }

    /// <summary>The round's fit failures, in client order.</summary>
    public IReadOnlyList<ClientFailure> FitFailures { get; init; } = [];

    /// <summary>The number of evaluate results aggregated.</summary>
    public int EvaluateResults { get; init; }

    /// <summary>The round's evaluate failures, in client order.</summary>
    public IReadOnlyList<ClientFailure> EvaluateFailures { get; init; } = [];

    /// <summary>Whether the global model changed this round (false when no result was aggregated or failures were not accepted).</summary>
    public bool ParametersUpdated { get; init; }

    /// <summary>Every accepted reply of the round, training and evaluation, in fold order; not part of <c>history.json</c>.</summary>
    public IReadOnlyList<NodeReport> Reports { get; init; } = [];

    /// <summary>Wall time of the round in seconds, measured with the run's <see cref="TimeProvider"/>.</summary>
    public double Seconds { get; init; }
}
