using System.Collections.Immutable;
using Confer.Plan;

namespace Confer.Federation.Strategies;

/// <summary>
/// A strategy by name, for plans, <c>confer simulate</c> and code alike: its settings (the plan's
/// <c>strategy.settings</c>, <c>--strategy-option</c>), what nodes must apply, what it holds in
/// memory, and how to make it.
/// </summary>
public sealed record StrategyRegistration
{
    /// <summary>The name, e.g. <c>fedavg</c>; plans and the canonical plan use it.</summary>
    public required string Name { get; init; }

    /// <summary>Other names accepted for it (Flower's class names, OpenFL's aggregation functions); default none.</summary>
    public ImmutableArray<string> Aliases { get; init; } = [];

    /// <summary>Its own settings, under Flower's names (<c>proximal_mu</c>, <c>eta</c>, ...), with defaults and ranges.</summary>
    public required SettingsSchema Settings { get; init; }

    /// <summary>Makes the strategy from its settings (defaults filled in for a plan; as given for code and the command line).</summary>
    public required Func<ConfigRecord, IStrategy> Create { get; init; }

    /// <summary>
    /// The config keys the strategy sends that every node must apply (FedProx's <c>proximal_mu</c>):
    /// a plan whose task runner applies none of them is refused, since the setting would be sent and
    /// ignored. Default none.
    /// </summary>
    public ImmutableArray<string> ClientSettings { get; init; } = [];

    /// <summary>
    /// Whether the strategy holds every update of a round at once (median, trimmed mean, Krum,
    /// geometric median: memory k × model size on the aggregator) rather than folding them one at a
    /// time (the FedAvg family: memory of a few models). Default false.
    /// </summary>
    public bool HoldsEveryUpdate { get; init; }

    /// <summary>One line for documentation and <c>plan print</c>.</summary>
    public string Description { get; init; } = string.Empty;
}
