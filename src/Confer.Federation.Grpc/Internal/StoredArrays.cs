using Confer.Core;
using Confer.Federation.Messages;

namespace Confer.Federation.Grpc.Internal;

/// <summary>
/// The arrays of a reply, read from its durable result file only when the strategy folds them:
/// decoded straight from the mapped file into the strategy's scratch state, so the aggregator
/// holds one reply's model at a time. A delta (the plan's <c>delta_updates</c>) is turned back
/// into a full model by adding the task's arrays, so strategies never see deltas.
/// </summary>
internal sealed class StoredArrays(StoredResult result, ModelState? deltaBase) : ArrayRecord
{
    public override ModelState ToModelState()
    {
        var state = ResultStore.ReadModel(result.Path, result.ModelOffset, result.Header.ArraysSize)
            ?? throw new ModelStateException($"The reply {result.Header.ReplyTo} has no arrays.");
        if (result.Header.IsDelta)
        {
            ModelStateArithmetic.AddInPlace(state, Base());
        }

        return state;
    }

    public override void CopyTo(ModelState target)
    {
        ArgumentNullException.ThrowIfNull(target);
        ResultStore.WithModelBytes(result.Path, result.ModelOffset, result.Header.ArraysSize, target, static (bytes, t) =>
        {
            ModelStateSerializer.DeserializeInto(bytes, t);
            return true;
        });
        if (result.Header.IsDelta)
        {
            ModelStateArithmetic.AddInPlace(target, Base());
        }
    }

    private ModelState Base() => deltaBase ?? throw new ModelStateException($"The reply {result.Header.ReplyTo} is a delta, but its task carried no arrays to add it to.");
}
