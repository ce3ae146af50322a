namespace Confer.Federation.Clients;

/// <summary>
/// Creates the client for one task (Flower's <c>client_fn</c>). The simulation engine calls it
/// each time a client is needed and releases the client afterwards, so only the clients at work
/// exist at any moment. It may be called from several threads at once.
/// </summary>
/// <param name="context">Which client to create.</param>
/// <returns>The client.</returns>
public delegate IClient ClientFactory(ClientContext context);
