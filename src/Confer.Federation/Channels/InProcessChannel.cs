using Confer.Core;
using Confer.Federation.Channels.Internal;
using Confer.Federation.Clients;

namespace Confer.Federation.Channels;

/// <summary>
/// A channel to virtual clients in the same process (simulation, Flower's in-memory grid). Each
/// call creates the client through the <see cref="ClientFactory"/>, runs the task and releases the
/// client (disposing it when it is disposable), so memory holds only the clients at work. The
/// global model is passed by reference, never copied.
/// </summary>
public sealed class InProcessChannel : IChannel
{
    private readonly ClientFactory _factory;
    private readonly NumberedClientIds? _numbered;
    private readonly Dictionary<string, int>? _named;

    /// <summary>Creates a channel to <paramref name="clientCount"/> clients named "0" to "clientCount − 1".</summary>
    /// <param name="factory">Creates a client by id.</param>
    /// <param name="clientCount">The number of virtual clients; at least 1.</param>
    public InProcessChannel(ClientFactory factory, int clientCount)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfLessThan(clientCount, 1);
        _factory = factory;
        _numbered = new NumberedClientIds(clientCount);
        Clients = _numbered;
    }

    /// <summary>Creates a channel to clients with the given names, in that (fold) order.</summary>
    /// <param name="factory">Creates a client by id.</param>
    /// <param name="clientIds">The names, unique and non-empty, e.g. Portland, Seattle, Chandler, Bangalore.</param>
    public InProcessChannel(ClientFactory factory, IReadOnlyList<string> clientIds)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(clientIds);
        if (clientIds.Count == 0)
        {
            throw new ArgumentException("A federation needs at least one client.", nameof(clientIds));
        }

        _factory = factory;
        _named = new Dictionary<string, int>(clientIds.Count, StringComparer.Ordinal);
        for (int i = 0; i < clientIds.Count; i++)
        {
            string id = clientIds[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new ArgumentException($"Client name {i} is empty; every client needs a name.", nameof(clientIds));
            }

            if (!_named.TryAdd(id, i))
            {
                throw new ArgumentException($"Two clients are named '{id}' (positions {_named[id]} and {i}); client names must be unique.", nameof(clientIds));
            }
        }

        Clients = clientIds.ToArray();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Clients { get; }

    /// <inheritdoc/>
    public async Task<ModelState> GetParametersAsync(string clientId, ConfigRecord config, CancellationToken cancellationToken = default)
    {
        IClient client = Create(clientId);
        try
        {
            return await client.GetParametersAsync(config, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync(client).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<FitResult> FitAsync(string clientId, FitInstructions instructions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        IClient client = Create(clientId);
        try
        {
            return await client.FitAsync(instructions.Parameters, instructions.Config, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync(client).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<EvaluateResult> EvaluateAsync(string clientId, EvaluateInstructions instructions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        IClient client = Create(clientId);
        try
        {
            return await client.EvaluateAsync(instructions.Parameters, instructions.Config, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync(client).ConfigureAwait(false);
        }
    }

    private IClient Create(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        int index;
        bool known = _numbered is not null ? _numbered.TryGetIndex(clientId, out index) : _named!.TryGetValue(clientId, out index);
        if (!known)
        {
            throw new ArgumentException($"No client is named '{clientId}'; this channel has {Clients.Count} clients.", nameof(clientId));
        }

        return _factory(new ClientContext(clientId, index, Clients.Count))
            ?? throw new InvalidOperationException($"The client factory returned no client for '{clientId}'.");
    }

    private static async ValueTask ReleaseAsync(IClient client)
    {
        if (client is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (client is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
