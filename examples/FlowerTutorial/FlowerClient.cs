using Confer.Core;
using Confer.Data;
using Confer.Federation;
using Confer.Federation.Clients;
using Confer.Torch;

namespace FlowerTutorial;

/// <summary>
/// The tutorial's <c>FlowerClient(NumPyClient)</c>: it owns a network, a training split and a
/// validation split of its partition. <c>fit</c> trains one epoch; <c>evaluate</c> reports the
/// loss and accuracy on the validation split.
/// </summary>
internal sealed class FlowerClient(Func<ClassifierNetwork> createNetwork, ImageDataset data, int[] train, int[] validation, int seed) : Client
{
    public override ModelState GetParameters(ConfigRecord config)
    {
        using ClassifierNetwork net = createNetwork();
        return net.GetModelState();
    }

    public override FitResult Fit(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        using ClassifierNetwork net = createNetwork();
        net.LoadModelState(parameters);
        using var optimizer = new SgdOptimizer(net, learningRate: 0.01, momentum: 0.9);
        int round = (int)config.GetInt64("server_round", 1);
        TrainResult result = Trainer.TrainEpoch(net, optimizer, data, round, new TrainOptions { BatchSize = 32, Seed = seed }, train, cancellationToken: cancellationToken);
        return new FitResult(net.GetModelState(), train.Length, MetricRecord.Of("train_loss", result.Loss));
    }

    public override Confer.Federation.Clients.EvaluateResult Evaluate(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken)
    {
        using ClassifierNetwork net = createNetwork();
        net.LoadModelState(parameters);
        Confer.Torch.EvaluateResult result = Trainer.Evaluate(net, data, indices: validation, cancellationToken: cancellationToken);
        return new Confer.Federation.Clients.EvaluateResult(result.Loss, result.ExampleCount, MetricRecord.Of("accuracy", result.Accuracy));
    }
}
