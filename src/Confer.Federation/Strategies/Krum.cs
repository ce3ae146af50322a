using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Federation.Strategies.Internal;

namespace Confer.Federation.Strategies;

/// <summary>
/// Krum (Blanchard et al., 2017) and Multi-Krum (El Mhamdi et al., 2018), Flower's <c>Krum</c>:
/// each client's parameters are scored by the squared distances to their n − f − 2 nearest
/// neighbours; Krum takes the lowest-scored client's parameters, Multi-Krum the example-weighted
/// mean of the <see cref="NumClientsToKeep"/> lowest. Holds the round's results in memory until
/// the round completes.
/// </summary>
public sealed class Krum : FederatedStrategy
{
    private readonly int _numMaliciousClients;
    private readonly int _numClientsToKeep;

    /// <inheritdoc/>
    public override string Name => NumClientsToKeep > 0 ? "MultiKrum" : "Krum";

    /// <summary>The number of Byzantine clients f to tolerate (Flower's <c>num_malicious_clients</c>). Krum's guarantee needs n &gt; 2f + 2. Default 0.</summary>
    public int NumMaliciousClients
    {
        get => _numMaliciousClients;
        init => _numMaliciousClients = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(NumMaliciousClients), value, "num_malicious_clients must not be negative.");
    }

    /// <summary>How many lowest-scored clients Multi-Krum averages (Flower's <c>num_clients_to_keep</c>); 0 (default) is Krum.</summary>
    public int NumClientsToKeep
    {
        get => _numClientsToKeep;
        init => _numClientsToKeep = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(NumClientsToKeep), value, "num_clients_to_keep must not be negative.");
    }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        new BufferedAggregation(parameters, Aggregate);

    private ModelState Aggregate(IReadOnlyList<WeightedUpdate> updates)
    {
        // Clamp f and m to what this round's result count allows, as Flower's aggregate_krum does by construction.
        int f = Math.Min(NumMaliciousClients, updates.Count - 1);
        return NumClientsToKeep > 0
            ? ModelAggregation.MultiKrum(updates, f, Math.Min(NumClientsToKeep, updates.Count))
            : ModelAggregation.Krum(updates.Select(u => u.State).ToArray(), f);
    }
}
