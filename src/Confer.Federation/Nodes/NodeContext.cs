namespace Confer.Federation.Nodes;

/// <summary>Who a node is, handed to the code that creates its <see cref="IMessageHandler"/>.</summary>
/// <param name="NodeId">The node's name, e.g. <c>Portland</c>, <c>17</c> or a collaborator's name.</param>
/// <param name="Index">The node's position among all nodes of the grid, from 0 (a simulated client's data partition).</param>
/// <param name="Count">The number of nodes.</param>
public sealed record NodeContext(string NodeId, int Index, int Count);
