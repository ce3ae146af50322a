using Confer.Core;
using Confer.Federation.Messages;

namespace Confer.Federation.Strategies.Internal;

/// <summary>
/// The example-weighted mean of the nodes' arrays, folded one reply at a time into buffers the
/// strategy keeps from round to round (<see cref="MeanBuffers"/>): arrays held in memory are folded
/// as they are, arrays kept elsewhere are first read into one reused scratch state.
/// </summary>
internal sealed class WeightedMeanAggregation(MeanBuffers buffers) : IParameterAggregation
{
    public void Add(string clientId, ArrayRecord arrays, long exampleCount)
    {
        string description = $"the update from {clientId}";
        buffers.Accumulator.Fold(buffers.Read(arrays, description), exampleCount, description);
    }

    public ModelState Complete(ModelState? reusable)
    {
        if (reusable is not null && reusable.IsCompatibleWith(buffers.Accumulator.Layout))
        {
            buffers.Accumulator.WriteResult(reusable);
            return reusable;
        }

        return buffers.Accumulator.Result();
    }
}
