using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Torch;
using Confer.Workflow;

namespace Confer.Examples;

/// <summary>
/// Lets a flow carry the TorchSharp network itself (OpenFL's <c>self.model</c>): the network
/// travels as its model state (protobuf), and the receiver gets a new network with those weights.
/// </summary>
internal static class OpenFlCnnCodec
{
    public static AttributeCodec Create() => AttributeCodec.Create<OpenFlCnn>(
        "torch-module:OpenFlCnn",
        network => ModelStateSerializer.Serialize(network.GetModelState()),
        bytes => TorchLock.Run(() =>
        {
            OpenFlCnn network = OpenFlCnn.Create();
            network.LoadModelState(ModelStateSerializer.Deserialize(bytes), "the carried model");
            return network;
        }),
        bytes => $"OpenFlCnn, state hash {ModelStateSerializer.Deserialize(bytes).ComputeHash()[..16]}");

    /// <summary>OpenFL's FedAvg of the tutorial: the plain mean of the collaborators' weights.</summary>
    public static OpenFlCnn FedAvg(IEnumerable<OpenFlCnn> models)
    {
        ModelState mean = ModelAggregation.WeightedMean([.. models.Select(m => new WeightedUpdate(m.GetModelState(), 1.0))]);
        return TorchLock.Run(() =>
        {
            OpenFlCnn network = OpenFlCnn.Create();
            network.LoadModelState(mean, "the averaged model");
            return network;
        });
    }
}
