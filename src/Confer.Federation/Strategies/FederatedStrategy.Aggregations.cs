using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies;

// A round's folds of train and evaluate replies, with the close policies (accept_failures,
// min_completion_rate_fit / _evaluate) applied when the round completes.
public abstract partial class FederatedStrategy
{
    private static string? CompletionShortfall(int results, int failures, double minimum, string phase)
    {
        double rate = results / (double)Math.Max(1, results + failures);
        return minimum > 0 && rate < minimum
            ? string.Create(CultureInfo.InvariantCulture, $"only {results} of {results + failures} {phase} tasks gave a result ({rate:P0}), below the strategy's min_completion_rate_{phase} of {minimum:P0}")
            : null;
    }

    private sealed class TrainAggregation(FederatedStrategy strategy, IParameterAggregation parameters) : ITrainAggregation
    {
        private readonly List<(long ExampleCount, MetricRecord Metrics)> _metrics = [];
        private int _count;

        public void Add(Message reply)
        {
            ArgumentNullException.ThrowIfNull(reply);
            ArrayRecord arrays = reply.Arrays ?? throw new UpdateRejectedException($"The reply of {reply.NodeId} to {reply.Kind} carries no parameters.");
            parameters.Add(reply.NodeId, arrays, reply.ExampleCount);
            _count++;
            if (strategy.FitMetricsAggregation is not null)
            {
                _metrics.Add((reply.ExampleCount, reply.Metrics));
            }
        }

        public TrainAggregate Complete(IReadOnlyList<ClientFailure> failures, ModelState? reusable = null)
        {
            ArgumentNullException.ThrowIfNull(failures);
            if (_count == 0)
            {
                return new TrainAggregate(null, MetricRecord.Empty) { Skipped = "no training task gave a result" };
            }

            if (failures.Count > 0 && !strategy.AcceptFailures)
            {
                return new TrainAggregate(null, MetricRecord.Empty) { Skipped = $"{failures.Count} training task(s) failed and the strategy does not accept failures" };
            }

            if (CompletionShortfall(_count, failures.Count, strategy.MinCompletionRateFit, "fit") is { } shortfall)
            {
                return new TrainAggregate(null, MetricRecord.Empty) { Skipped = shortfall };
            }

            ModelState next = parameters.Complete(reusable);
            MetricRecord metrics = strategy.FitMetricsAggregation?.Invoke(_metrics) ?? MetricRecord.Empty;
            return new TrainAggregate(next, metrics);
        }
    }

    private sealed class EvaluateAggregation(FederatedStrategy strategy) : IEvaluateAggregation
    {
        private readonly List<(long ExampleCount, MetricRecord Metrics)> _metrics = [];
        private double _weightedLoss;
        private double _examples;

        public void Add(Message reply)
        {
            ArgumentNullException.ThrowIfNull(reply);
            if (!reply.Metrics.TryGetValue(MessageKeys.Loss, out double loss) || !double.IsFinite(loss))
            {
                throw new UpdateRejectedException(
                    $"The evaluation loss of {reply.NodeId} is {(reply.Metrics.ContainsKey(MessageKeys.Loss) ? loss.ToString(CultureInfo.InvariantCulture) : "missing")}; a loss must be finite.",
                    UpdateRejectionReason.NonFiniteValue,
                    null,
                    null,
                    loss);
            }

            if (reply.ExampleCount <= 0)
            {
                throw new UpdateRejectedException(
                    $"{reply.NodeId} evaluated on {reply.ExampleCount} examples; the example count must be greater than zero.",
                    UpdateRejectionReason.InvalidWeight,
                    null,
                    null,
                    reply.ExampleCount);
            }

            _weightedLoss += reply.ExampleCount * loss;
            _examples += reply.ExampleCount;
            _metrics.Add((reply.ExampleCount, WithoutLoss(reply.Metrics)));
        }

        public EvaluateAggregate Complete(IReadOnlyList<ClientFailure> failures)
        {
            ArgumentNullException.ThrowIfNull(failures);
            if (_metrics.Count == 0 || (failures.Count > 0 && !strategy.AcceptFailures)
                || CompletionShortfall(_metrics.Count, failures.Count, strategy.MinCompletionRateEvaluate, "evaluate") is not null)
            {
                return new EvaluateAggregate(null, MetricRecord.Empty);
            }

            MetricRecord metrics = strategy.EvaluateMetricsAggregation?.Invoke(_metrics) ?? MetricRecord.Empty;
            return new EvaluateAggregate(_weightedLoss / _examples, metrics);
        }

        private static MetricRecord WithoutLoss(MetricRecord metrics) =>
            metrics.ContainsKey(MessageKeys.Loss) ? new MetricRecord(metrics.Where(m => m.Key != MessageKeys.Loss)) : metrics;
    }
}
