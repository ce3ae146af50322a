using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>Centralized evaluation on the aggregator (Flower's <c>evaluate_fn</c>).</summary>
/// <param name="round">The round, 0 for the initial parameters.</param>
/// <param name="parameters">The global model; read-only.</param>
/// <param name="config">The round's evaluate configuration (from <see cref="FederatedStrategy.OnEvaluateConfig"/>).</param>
/// <param name="cancellationToken">Cancels the evaluation.</param>
/// <returns>The loss and metrics, or <see langword="null"/> to skip this round.</returns>
public delegate Task<CentralizedEvaluation?> EvaluateFunction(int round, ModelState parameters, ConfigRecord config, CancellationToken cancellationToken);
