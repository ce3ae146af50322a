using Confer.Federation.Messages;
using Confer.Core;
using Confer.Federation.Clients;
using Confer.Federation.Strategies;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>Feeds hand-made replies to a strategy's aggregations, as the controller would.</summary>
internal static class StrategyDriver
{
    public static TrainAggregate AggregateFit(IStrategy strategy, int round, ModelState global, IReadOnlyList<ClientFailure>? failures, params (float[] W, long Examples)[] results)
    {
        ITrainAggregation aggregation = strategy.BeginAggregateTrain(round, global);
        for (int i = 0; i < results.Length; i++)
        {
            aggregation.Add(Reply($"c{i}", round, States.Vector(results[i].W), results[i].Examples, MetricRecord.Of("train_loss", i + 1)));
        }

        return aggregation.Complete(failures ?? []);
    }

    /// <summary>A training reply as a node would send it.</summary>
    public static Message Reply(string node, int round, ModelState? arrays, long examples, MetricRecord? metrics = null, string kind = MessageKinds.Train) => new()
    {
        Id = Message.CreateId(round, node, kind),
        ReplyTo = Message.CreateId(round, node, kind),
        NodeId = node,
        Kind = kind,
        Round = round,
        Arrays = arrays is null ? null : ArrayRecord.From(arrays),
        ExampleCount = examples,
        Metrics = metrics ?? MetricRecord.Empty,
    };

    /// <summary>An evaluation reply as a node would send it: the loss as the metric <c>loss</c>.</summary>
    public static Message EvaluateReply(string node, int round, double loss, long examples, MetricRecord? metrics = null) =>
        Reply(node, round, null, examples, (metrics ?? MetricRecord.Empty).With(MessageKeys.Loss, loss), MessageKinds.Evaluate);
}
