using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Plan;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// Folds a round's model results into the next global model with the plan's strategy. Linear
/// strategies stream the results from the store one at a time, each decoded from its mapped file
/// into one reused buffer (memory O(model)); robust ones need every result at once. Deltas are aggregated as deltas and added to the global model, which is
/// the same thing for every strategy here (each is translation-equivariant).
/// </summary>
internal sealed class RoundAggregator
{
    private readonly PlanComponent _strategy;
    private readonly IServerOptimizer? _optimizer;
    private WeightedMeanAccumulator? _accumulator;
    private ModelState? _scratch;

    public RoundAggregator(PlanComponent strategy)
    {
        _strategy = strategy;
        var s = strategy.Settings;
        _optimizer = strategy.Name switch
        {
            "fedavgm" => new FedAvgMOptimizer(s.GetNumber("server_learning_rate"), s.GetNumber("server_momentum")),
            "fedadam" => new FedAdamOptimizer(s.GetNumber("eta"), s.GetNumber("eta_l"), s.GetNumber("beta_1"), s.GetNumber("beta_2"), s.GetNumber("tau")),
            "fedyogi" => new FedYogiOptimizer(s.GetNumber("eta"), s.GetNumber("eta_l"), s.GetNumber("beta_1"), s.GetNumber("beta_2"), s.GetNumber("tau")),
            "fedadagrad" => new FedAdagradOptimizer(s.GetNumber("eta"), s.GetNumber("eta_l"), s.GetNumber("beta_1"), s.GetNumber("tau")),
            _ => null,
        };
    }

    public string Name => _strategy.Name;

    /// <summary>A copy of the server optimizer's state and step count (empty and 0 without an optimizer), for the round checkpoint.</summary>
    public (ModelState State, int Steps) ExportOptimizer() =>
        _optimizer is null ? (new ModelState([]), 0) : (_optimizer.ExportState(), _optimizer.StepCount);

    /// <summary>Restores the server optimizer's state from a round checkpoint.</summary>
    /// <exception cref="InvalidDataException">The checkpoint holds optimizer state this strategy does not use.</exception>
    public void ImportOptimizer(ModelState state, int steps)
    {
        if (_optimizer is null)
        {
            if (state.Count > 0)
            {
                throw new InvalidDataException($"The round checkpoint holds server optimizer state, but the strategy '{_strategy.Name}' has no server optimizer.");
            }

            return;
        }

        try
        {
            _optimizer.ImportState(state, steps);
        }
        catch (ModelStateException ex)
        {
            throw new InvalidDataException($"The round checkpoint's server optimizer state does not fit the strategy '{_strategy.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>The next global model from the model results, in the given (collaborator name) order.</summary>
    /// <param name="global">The round's global model.</param>
    /// <param name="results">The results with a model.</param>
    /// <param name="reusable">A state of the global model's layout that nothing uses any more (an earlier round's global model), which may become the result; or null.</param>
    public ModelState Aggregate(ModelState global, IReadOnlyList<StoredResult> results, ModelState? reusable = null)
    {
        if (results.Count == 0)
        {
            return global;
        }

        var isDelta = results[0].Header.IsDelta;
        ModelState aggregated;
        if (IsLinear)
        {
            // Each result is decoded into the same scratch state before it is folded: one model-sized
            // buffer however many results there are. The sums and the scratch are kept from round to
            // round (the layout never changes within a federation), and the mean is written into
            // `reusable` when there is one: then a round allocates nothing model-sized.
            if (_accumulator is null || _scratch is null || !_scratch.IsCompatibleWith(global))
            {
                _accumulator = new WeightedMeanAccumulator(global);
                _scratch = global.ZerosLike();
            }

            var accumulator = _accumulator;
            var scratch = _scratch;
            accumulator.Reset();
            foreach (var result in results)
            {
                ResultStore.WithModelBytes(result.Path, result.ModelOffset, result.Header.ModelSize, scratch, static (bytes, target) =>
                {
                    ModelStateSerializer.DeserializeInto(bytes, target);
                    return true;
                });
                accumulator.Fold(scratch, result.Header.ExampleCount, Describe(result));
            }

            if (reusable is not null && !isDelta && _optimizer is null && reusable.IsCompatibleWith(global))
            {
                accumulator.WriteResult(reusable);
                return reusable;
            }

            aggregated = accumulator.Result();
        }
        else
        {
            var updates = results.Select(r => new WeightedUpdate(Read(r), r.Header.ExampleCount)).ToList();
            var s = _strategy.Settings;
            aggregated = _strategy.Name switch
            {
                "median" => ModelAggregation.Median([.. updates.Select(u => u.State)]),
                "trimmed_mean" => ModelAggregation.TrimmedMean([.. updates.Select(u => u.State)], s.GetNumber("beta")),
                "krum" => ModelAggregation.Krum([.. updates.Select(u => u.State)], (int)s.GetInteger("num_malicious_clients")),
                "multi_krum" => ModelAggregation.MultiKrum(updates, (int)s.GetInteger("num_malicious_clients"), (int)s.GetInteger("num_clients_to_keep")),
                "geometric_median" => ModelAggregation.GeometricMedian(updates, (int)s.GetInteger("max_iterations"), s.GetNumber("eps"), s.GetNumber("ftol")),
                _ => throw new InvalidOperationException($"The aggregator does not implement the strategy '{_strategy.Name}'."),
            };
        }

        if (isDelta)
        {
            aggregated = ModelStateArithmetic.Add(global, aggregated);
        }

        return _optimizer is null ? aggregated : _optimizer.Step(global, aggregated);
    }

    private bool IsLinear => _strategy.Name is "fedavg" or "fedprox" or "fedavgm" or "fedadam" or "fedyogi" or "fedadagrad";

    private static ModelState Read(StoredResult result) =>
        ResultStore.ReadModel(result.Path, result.ModelOffset, result.Header.ModelSize)
        ?? throw new InvalidOperationException($"{Describe(result)} has no model.");

    private static string Describe(StoredResult result) => $"the {result.Header.Task} result of {result.Header.Collaborator} in round {result.Header.Round}";
}
