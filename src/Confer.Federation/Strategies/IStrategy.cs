using Confer.Core;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies;

/// <summary>
/// The aggregator-side policy of a federation (Flower's message-based <c>Strategy</c>): which
/// nodes take part in a round, with which task messages, and how their replies become the next
/// global model. The hooks come in pairs, <see cref="ConfigureTrain"/>/<see cref="BeginAggregateTrain"/>
/// and <see cref="ConfigureEvaluate"/>/<see cref="BeginAggregateEvaluate"/>; aggregation sees
/// replies and failures. The one round controller drives every strategy the same way, over any
/// grid: simulation and a real federation run the same strategy object. A wrapper (a plan's task
/// groups, differential privacy, clipping) implements this interface around another strategy.
/// </summary>
public interface IStrategy
{
    /// <summary>The strategy's name for logs and the history, e.g. <c>FedAvg</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The fewest available nodes the strategy can work with; the controller refuses to start
    /// round 1 with fewer, before any work is done.
    /// </summary>
    int RequiredClients { get; }

    /// <summary>The initial global model, or <see langword="null"/> to ask one node (a <see cref="MessageKinds.Query"/> task).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parameters or <see langword="null"/>.</returns>
    Task<ModelState?> InitializeParametersAsync(CancellationToken cancellationToken = default);

    /// <summary>The task messages of round <paramref name="round"/>'s training, in the order their replies are folded.</summary>
    /// <param name="round">The round, from 1.</param>
    /// <param name="parameters">The current global model; a message carries it as <c>ArrayRecord.From(parameters)</c>.</param>
    /// <param name="clients">The nodes to choose from, seeded for this round.</param>
    /// <returns>The messages; empty skips training this round.</returns>
    IReadOnlyList<Message> ConfigureTrain(int round, ModelState parameters, IClientManager clients);

    /// <summary>Starts aggregating round <paramref name="round"/>'s training replies.</summary>
    /// <param name="round">The round, from 1.</param>
    /// <param name="parameters">The current global model (the one the nodes trained from).</param>
    /// <returns>The aggregation, fed by the controller in the order of <see cref="ConfigureTrain"/>'s messages.</returns>
    ITrainAggregation BeginAggregateTrain(int round, ModelState parameters);

    /// <summary>The task messages of round <paramref name="round"/>'s distributed evaluation.</summary>
    /// <param name="round">The round, from 1.</param>
    /// <param name="parameters">The new global model.</param>
    /// <param name="clients">The nodes to choose from, seeded for this round.</param>
    /// <returns>The messages; empty skips distributed evaluation this round.</returns>
    IReadOnlyList<Message> ConfigureEvaluate(int round, ModelState parameters, IClientManager clients);

    /// <summary>Starts aggregating round <paramref name="round"/>'s evaluation replies.</summary>
    /// <param name="round">The round, from 1.</param>
    /// <returns>The aggregation, fed by the controller.</returns>
    IEvaluateAggregation BeginAggregateEvaluate(int round);

    /// <summary>Evaluates the global model on the aggregator's own data (centralized evaluation); round 0 is the initial model.</summary>
    /// <param name="round">The round, 0 for the initial parameters.</param>
    /// <param name="parameters">The global model.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The loss and metrics, or <see langword="null"/> when the strategy has no centralized evaluation.</returns>
    Task<CentralizedEvaluation?> EvaluateAsync(int round, ModelState parameters, CancellationToken cancellationToken = default);
}
