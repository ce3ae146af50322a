using Confer.Plan;

namespace Confer.Federation.Strategies;

/// <summary>
/// A strategy from a workspace's own code, named by its full type name in <c>strategy.template</c>.
/// Confer creates it with its public parameterless constructor when the plan loads; the aggregator
/// then creates the <see cref="IStrategy"/> it runs from the plan's <c>strategy.settings</c>.
/// </summary>
public interface IPlanStrategy
{
    /// <summary>The <c>strategy.settings</c> it accepts.</summary>
    SettingsSchema Settings { get; }

    /// <summary>The settings it sends to the collaborators in each task's config; the plan's task runner must apply them.</summary>
    IReadOnlyList<string> ClientSettings => [];

    /// <summary>Whether it holds every update of a round (k × model memory, checked against <c>max_aggregation_memory</c>).</summary>
    bool HoldsEveryUpdate => false;

    /// <summary>One line of documentation.</summary>
    string Description => string.Empty;

    /// <summary>Creates the strategy.</summary>
    /// <param name="settings">The plan's <c>strategy.settings</c>, typed.</param>
    /// <returns>The strategy.</returns>
    IStrategy Create(ConfigRecord settings);
}
