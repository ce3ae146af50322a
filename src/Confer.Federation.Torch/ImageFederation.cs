using Confer.Data;
using Confer.Federation.Clients;
using Confer.Torch;

namespace Confer.Federation.Torch;

/// <summary>
/// Builds a <see cref="ClientFactory"/> for simulating image classification over a partitioned
/// data set: client k trains on partition k. The images are loaded once and shared read-only by
/// every client; a client holds only its index list.
/// </summary>
public static class ImageFederation
{
    /// <summary>Creates the factory.</summary>
    /// <param name="createNetwork">Creates a network (weights are replaced by the global model).</param>
    /// <param name="train">The training images.</param>
    /// <param name="partitions">One index list per client, e.g. from <see cref="PartitionSpec.Apply(ReadOnlySpan{byte}, int, int)"/>.</param>
    /// <param name="options">Local training settings.</param>
    /// <param name="test">Images for distributed evaluation; <see langword="null"/> for none.</param>
    /// <param name="testPartitions">One index list per client into <paramref name="test"/>; <see langword="null"/> evaluates every client on all of it.</param>
    /// <returns>The factory.</returns>
    public static ClientFactory CreateClientFactory(
        Func<ClassifierNetwork> createNetwork,
        ImageDataset train,
        IReadOnlyList<int[]> partitions,
        TorchClientOptions options,
        ImageDataset? test = null,
        IReadOnlyList<int[]>? testPartitions = null)
    {
        ArgumentNullException.ThrowIfNull(createNetwork);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(options);
        if (testPartitions is not null && testPartitions.Count != partitions.Count)
        {
            throw new ArgumentException($"There are {partitions.Count} training partitions but {testPartitions.Count} test partitions; give one of each per client.", nameof(testPartitions));
        }

        return context =>
        {
            if ((uint)context.PartitionId >= (uint)partitions.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(context), context.PartitionId, $"Client {context.ClientId} asks for partition {context.PartitionId}, but the data was split into {partitions.Count}.");
            }

            return new TorchClient(createNetwork, train, partitions[context.PartitionId], options, context.PartitionId, test, testPartitions?[context.PartitionId]);
        };
    }
}
