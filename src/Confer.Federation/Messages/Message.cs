namespace Confer.Federation.Messages;

/// <summary>
/// What the engine moves between the aggregator and a node (Flower's <c>Message</c>): a task with
/// its kind, round, config and arrays, or the reply to one with metrics, arrays, an example count
/// or an error. Every front door (strategies and clients, plans and task runners, flows, jobs)
/// speaks in messages; only the grid under them differs.
/// </summary>
public sealed record Message
{
    /// <summary>
    /// The message's id, unique within a run: <c>round/node/kind</c> for a task, given by the grid's
    /// <see cref="Grid.IGrid.PushAsync"/> (it is the idempotency key of the reply); empty before.
    /// </summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>For a task, the node it goes to; for a reply, the node it comes from.</summary>
    public required string NodeId { get; init; }

    /// <summary>The task kind: <see cref="MessageKinds.Train"/>, <see cref="MessageKinds.Evaluate"/>, <see cref="MessageKinds.Query"/> or a custom name.</summary>
    public required string Kind { get; init; }

    /// <summary>The round, from 1 (0 for what comes before the first round, such as asking a node for initial parameters).</summary>
    public required int Round { get; init; }

    /// <summary>Settings the node applies (FedProx's <c>proximal_mu</c>, a learning rate); empty by default.</summary>
    public ConfigRecord Config { get; init; } = ConfigRecord.Empty;

    /// <summary>In a reply: the task's metrics; empty by default.</summary>
    public MetricRecord Metrics { get; init; } = MetricRecord.Empty;

    /// <summary>The arrays: the global model of a task, the trained model of a reply; null when there are none.</summary>
    public ArrayRecord? Arrays { get; init; }

    /// <summary>In a reply: the examples the result was computed on, the weight of its arrays and metrics.</summary>
    public long ExampleCount { get; init; }

    /// <summary>In a reply: the id of the task it answers; null in a task.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>In a reply: why there is no result; null when there is one.</summary>
    public MessageError? Error { get; init; }

    /// <summary>Whether this message answers a task.</summary>
    public bool IsReply => ReplyTo is not null;

    /// <summary>The reply to this task with a result.</summary>
    /// <param name="arrays">The result's arrays, or null.</param>
    /// <param name="metrics">The result's metrics.</param>
    /// <param name="exampleCount">The examples it was computed on.</param>
    /// <returns>The reply.</returns>
    public Message CreateReply(ArrayRecord? arrays, MetricRecord metrics, long exampleCount) => new()
    {
        Id = Id,
        NodeId = NodeId,
        Kind = Kind,
        Round = Round,
        ReplyTo = Id,
        Arrays = arrays,
        Metrics = metrics ?? MetricRecord.Empty,
        ExampleCount = exampleCount,
    };

    /// <summary>The reply to this task that says why there is no result.</summary>
    /// <param name="reason">The reason code.</param>
    /// <param name="text">The reason in words.</param>
    /// <param name="exception">The exception behind it, if any (kept in this process only).</param>
    /// <returns>The reply.</returns>
    public Message CreateErrorReply(ReasonCode reason, string text, Exception? exception = null) => new()
    {
        Id = Id,
        NodeId = NodeId,
        Kind = Kind,
        Round = Round,
        ReplyTo = Id,
        Error = new MessageError(reason, text) { Exception = exception },
    };

    /// <summary>The id a grid gives a task: <c>round/node/kind</c>.</summary>
    /// <param name="round">The round.</param>
    /// <param name="nodeId">The node.</param>
    /// <param name="kind">The kind.</param>
    /// <returns>The id.</returns>
    public static string CreateId(int round, string nodeId, string kind) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{round}/{nodeId}/{kind}");
}
