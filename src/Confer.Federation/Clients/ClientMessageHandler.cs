using Confer.Core;
using Confer.Federation.Messages;
using Confer.Federation.Nodes;
using Confer.Federation.Nodes.Internal;

namespace Confer.Federation.Clients;

/// <summary>
/// Runs a Flower-style <see cref="IClient"/> behind the grid: a <see cref="MessageKinds.Train"/>
/// task calls <see cref="IClient.FitAsync"/>, <see cref="MessageKinds.Evaluate"/> calls
/// <see cref="IClient.EvaluateAsync"/> (the loss travels as the metric <see cref="MessageKeys.Loss"/>)
/// and <see cref="MessageKinds.Query"/> calls <see cref="IClient.GetParametersAsync"/>. The client
/// is made by the <see cref="ClientFactory"/> for each task and released after it (disposed when
/// it is disposable), as Flower's simulation makes a client per task: only the clients at work exist.
/// </summary>
public sealed class ClientMessageHandler : IMessageHandler
{
    private readonly ClientFactory _factory;
    private readonly ClientContext _context;

    /// <summary>Creates the handler of one node.</summary>
    /// <param name="factory">Makes the node's client for each task.</param>
    /// <param name="node">Which node this is; its index is the client's partition.</param>
    public ClientMessageHandler(ClientFactory factory, NodeContext node)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(node);
        _factory = factory;
        _context = new ClientContext(node.NodeId, node.Index, node.Count);
    }

    /// <inheritdoc/>
    public async Task<Message> HandleAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind is not (MessageKinds.Train or MessageKinds.Evaluate or MessageKinds.Query))
        {
            return message.CreateErrorReply(
                ReasonCode.UnknownKind,
                $"A Flower-style client handles {MessageKinds.Train}, {MessageKinds.Evaluate} and {MessageKinds.Query} tasks; node {message.NodeId} was sent '{message.Kind}'.");
        }

        IClient client = _factory(_context) ?? throw new InvalidOperationException($"The client factory returned no client for '{_context.ClientId}'.");
        try
        {
            return message.Kind switch
            {
                MessageKinds.Train => await TrainAsync(client, message, cancellationToken).ConfigureAwait(false),
                MessageKinds.Evaluate => await EvaluateAsync(client, message, cancellationToken).ConfigureAwait(false),
                _ => message.CreateReply(ArrayRecord.From(await client.GetParametersAsync(message.Config, cancellationToken).ConfigureAwait(false)), MetricRecord.Empty, 0),
            };
        }
        finally
        {
            await Disposal.DisposeAsync(client).ConfigureAwait(false);
        }
    }

    private static async Task<Message> TrainAsync(IClient client, Message message, CancellationToken cancellationToken)
    {
        FitResult? fit = await client.FitAsync(Parameters(message), message.Config, cancellationToken).ConfigureAwait(false);
        return fit?.Parameters is null
            ? message.CreateErrorReply(ReasonCode.ClientError, "The client returned no parameters from Fit.")
            : message.CreateReply(ArrayRecord.From(fit.Parameters), fit.Metrics, fit.ExampleCount);
    }

    private static async Task<Message> EvaluateAsync(IClient client, Message message, CancellationToken cancellationToken)
    {
        EvaluateResult? result = await client.EvaluateAsync(Parameters(message), message.Config, cancellationToken).ConfigureAwait(false);
        return result is null
            ? message.CreateErrorReply(ReasonCode.ClientError, "The client returned no result from Evaluate.")
            : message.CreateReply(null, result.Metrics.With(MessageKeys.Loss, result.Loss), result.ExampleCount);
    }

    private static ModelState Parameters(Message message) =>
        message.Arrays?.ToModelState() ?? throw new InvalidOperationException($"The {message.Kind} task of round {message.Round} carries no parameters.");
}
