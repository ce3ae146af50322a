namespace Confer.Plan.Internal;

// OpenFL's per-task aggregation_type, read into the plan's one strategy.
internal sealed partial class PlanBinder
{
    /// <summary>OpenFL's adaptive aggregations and the settings that give Confer's strategy OpenFL's defaults.</summary>
    private static readonly Dictionary<string, string> AdaptiveDefaults = new(StringComparer.Ordinal)
    {
        ["AdamAdaptiveAggregation"] = "eta: 0.01, beta_2: 0.999, tau: 1e-8",
        ["YogiAdaptiveAggregation"] = "eta: 0.01, beta_2: 0.999, tau: 1e-8",
        ["AdagradAdaptiveAggregation"] = "eta: 0.01, tau: 1e-10",
    };

    /// <summary>
    /// The strategy the training tasks' <c>aggregation_type</c> names, when they agree and the
    /// <c>strategy</c> section names none; <see langword="null"/> otherwise (a disagreement is a problem).
    /// </summary>
    private string? StrategyOfTasks(BoundTasks? tasks)
    {
        if (_openFl.AggregationTypes.Count == 0 || tasks is null)
        {
            return null;
        }

        var training = new List<(string Task, string Written, PlanTypeRegistration Strategy, SourceLocation At)>();
        foreach (var (task, written, at) in _openFl.AggregationTypes)
        {
            PlanTypeRegistration? strategy;
            try
            {
                if (!_registry.TryGet(PlanComponentKind.Strategy, written, out strategy))
                {
                    var hint = Suggestions.DidYouMean(written, _registry.GetNames(PlanComponentKind.Strategy));
                    _problems.Add(at, $"'tasks.{task}.aggregation_type' names '{written}', which is no strategy of Confer's.{hint} OpenFL's aggregation functions are names of Confer's strategies (docs/migrating-from-openfl.md). {Registered(PlanComponentKind.Strategy)}");
                    continue;
                }
            }
            catch (PlanTypeResolutionException ex)
            {
                _problems.Add(at, $"'tasks.{task}.aggregation_type': {ex.Message}");
                continue;
            }

            if (tasks.Plans.TryGetValue(task, out var plan) && plan.Apply is not null)
            {
                if (strategy.Name != BuiltInPlanTypes.FedAvg)
                {
                    _problems.Warn(at, $"'tasks.{task}.aggregation_type: {written}' has no effect: '{task}' is a validation task, Confer aggregates validation metrics by their example-weighted mean, and only the training tasks' aggregation_type chooses the plan's strategy.");
                }

                continue;
            }

            training.Add((task, written, strategy, at));
        }

        if (training.Count == 0)
        {
            return null;
        }

        if (training.Select(t => t.Strategy.Name).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            var listed = string.Join(", ", training.Select(t => $"{t.Task} ({t.Written})"));
            foreach (var (_, _, _, at) in training)
            {
                _problems.Add(at, $"The training tasks aggregate differently ({listed}), but Confer aggregates a plan's model with one strategy, as a round's model is one. Give every training task the same aggregation_type, or remove them and choose the strategy in the 'strategy' section.");
            }

            return null;
        }

        var chosen = training[0];
        if (AdaptiveDefaults.FirstOrDefault(d => chosen.Written.EndsWith(d.Key, StringComparison.Ordinal)) is { Key: not null } adaptive)
        {
            _problems.Warn(chosen.At, $"'{chosen.Written}' is Confer's {chosen.Strategy.Name}, whose defaults are Flower's; OpenFL's {adaptive.Key} defaulted to learning_rate 0.01 and a smaller epsilon. For OpenFL's defaults set strategy.settings {{{adaptive.Value}}}.");
        }

        if (_sections.TryGetValue(StrategySection, out var map) && map.TryGet(Template, out var template))
        {
            if (template.Value is PlanScalarNode { IsNull: false } named
                && _registry.TryGet(PlanComponentKind.Strategy, named.Text, out var explicitStrategy)
                && explicitStrategy.Name != chosen.Strategy.Name)
            {
                _problems.Add(chosen.At, $"'tasks.{chosen.Task}.aggregation_type' is {chosen.Written} (Confer's {chosen.Strategy.Name}), but the 'strategy' section names {named.Text} ({explicitStrategy.Name}); a plan's model is aggregated by one strategy: keep one of them.");
            }

            return null;
        }

        return chosen.Strategy.Name;
    }
}
