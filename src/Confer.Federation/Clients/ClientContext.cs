namespace Confer.Federation.Clients;

/// <summary>Who a virtual client is, handed to a <see cref="ClientFactory"/> (Flower's <c>Context.node_config</c>).</summary>
/// <param name="ClientId">The client's name, e.g. <c>Portland</c> or <c>17</c>; appears in logs, failures and the history.</param>
/// <param name="PartitionId">The client's position among all clients, 0-based: the data partition it owns.</param>
/// <param name="PartitionCount">The number of clients, i.e. of data partitions.</param>
public sealed record ClientContext(string ClientId, int PartitionId, int PartitionCount);
