namespace Confer.Federation.Messages;

/// <summary>
/// The well-known kinds of task a <see cref="Message"/> carries (Flower's message types). Any other
/// kind is a custom one: a plan's task name (<c>aggregated_model_validation</c>), a flow's step, a
/// FLARE task.
/// </summary>
public static class MessageKinds
{
    /// <summary>Train the arrays on local data and reply with the trained arrays.</summary>
    public const string Train = "train";

    /// <summary>Evaluate the arrays on local data and reply with metrics (the loss as <see cref="MessageKeys.Loss"/>).</summary>
    public const string Evaluate = "evaluate";

    /// <summary>Reply with what the node has: its initial parameters, its properties.</summary>
    public const string Query = "query";
}
