using Confer.Core;
using Confer.Data;
using Confer.Torch;
using Confer.Workflow;

namespace Confer.Examples;

/// <summary>
/// FederatedFlow plus what OpenFL's documentation cites as a common request: validation on the
/// aggregator's own data after each join. The held-out set is a private attribute of the
/// aggregator, so it never reaches a collaborator; a conditional branch ends the flow when the
/// aggregator's accuracy has not improved for <see cref="Patience"/> rounds.
/// </summary>
internal sealed class FederatedFlowEarlyStop : Flow<FederatedFlowEarlyStop>
{
    private const double LearningRate = 0.01;
    private const double Momentum = 0.5;
    private const int BatchSize = 64;

    public FederatedFlowEarlyStop(OpenFlCnn? model = null, int maxRounds = 10)
    {
        Model = model ?? OpenFlCnn.Create(seed: 1);
        MaxRounds = maxRounds;
    }

    public OpenFlCnn? Model { get; set; }

    public int MaxRounds { get; set; }

    public int Patience { get; set; } = 2;

    public double MinDelta { get; set; } = 0.001;

    public int? MaxBatches { get; set; }

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int CurrentRound { get; set; }

    public double AggValidationScore { get; set; }

    public double LocalValidationScore { get; set; }

    public double Loss { get; set; }

    public double AggregatorValidationScore { get; set; }

    public double BestAccuracy { get; set; } = double.NegativeInfinity;

    public int BestRound { get; set; }

    public int RoundsWithoutImprovement { get; set; }

    /// <summary>The best model's weights, kept on the aggregator (excluded from every fan-out).</summary>
    public ModelState? BestModel { get; set; }

    [Private]
    public ImageDataset? TrainData { get; set; }

    [Private]
    public ImageDataset? TestData { get; set; }

    /// <summary>The aggregator's held-out set: a private attribute of the aggregator alone.</summary>
    [Private]
    public ImageDataset? HeldOutData { get; set; }

    [Aggregator]
    public void Start()
    {
        Console.WriteLine("Performing initialization for model");
        Collaborators = Runtime!.Collaborators;
        CurrentRound = 0;
        FanOut();
    }

    [Collaborator]
    public void AggregatedModelValidation()
    {
        AggValidationScore = TorchLock.Run(() => Trainer.Evaluate(Model!, TestData!).Accuracy);
        Console.WriteLine($"{Input} value of {AggValidationScore}");
        Next(Train);
    }

    [Collaborator]
    public void Train()
    {
        TrainResult result = TorchLock.Train(CurrentRound, Input!, () =>
        {
            using var optimizer = new SgdOptimizer(Model!, LearningRate, Momentum);
            return Trainer.TrainEpoch(Model!, optimizer, TrainData!, CurrentRound + 1, new TrainOptions { BatchSize = BatchSize, Seed = 1, MaxBatches = MaxBatches });
        });
        Loss = result.Loss;
        Console.WriteLine($"{Input} trained on {result.ExampleCount} examples, loss {Loss:0.000000}");
        Next(LocalModelValidation);
    }

    [Collaborator]
    public void LocalModelValidation()
    {
        LocalValidationScore = TorchLock.Run(() => Trainer.Evaluate(Model!, TestData!).Accuracy);
        Console.WriteLine($"Doing local model validation for collaborator {Input}: {LocalValidationScore}");
        Next(Join, include: [nameof(Model), nameof(Loss), nameof(AggValidationScore), nameof(LocalValidationScore)]);
    }

    [Aggregator]
    public void Join(IReadOnlyList<FederatedFlowEarlyStop> inputs)
    {
        Console.WriteLine($"Average aggregated model validation values = {inputs.Average(i => i.AggValidationScore)}");
        Console.WriteLine($"Average training loss = {inputs.Average(i => i.Loss)}");
        Console.WriteLine($"Average local model validation values = {inputs.Average(i => i.LocalValidationScore)}");
        Model?.Dispose();
        Model = OpenFlCnnCodec.FedAvg(inputs.Select(i => i.Model!));
        foreach (FederatedFlowEarlyStop input in inputs)
        {
            input.Model?.Dispose();
        }

        CurrentRound++;
        Next(AggregatorValidation);
    }

    [Aggregator]
    public void AggregatorValidation()
    {
        AggregatorValidationScore = TorchLock.Run(() => Trainer.Evaluate(Model!, HeldOutData!).Accuracy);
        Console.WriteLine($"Round {CurrentRound}: aggregator validation accuracy on {HeldOutData!.Count} held-out images = {AggregatorValidationScore}");
        if (AggregatorValidationScore > BestAccuracy + MinDelta)
        {
            BestAccuracy = AggregatorValidationScore;
            BestRound = CurrentRound;
            BestModel = Model!.GetModelState();
            RoundsWithoutImprovement = 0;
        }
        else
        {
            RoundsWithoutImprovement++;
        }

        if (RoundsWithoutImprovement >= Patience)
        {
            Console.WriteLine($"No improvement for {Patience} rounds: stopping early; the best model is from round {BestRound} ({BestAccuracy}).");
            Next(End);
        }
        else if (CurrentRound >= MaxRounds)
        {
            Next(End);
        }
        else
        {
            FanOut();
        }
    }

    [Aggregator]
    public void End() => Console.WriteLine($"This is the end of the flow: {CurrentRound} rounds, best aggregator accuracy {BestAccuracy} in round {BestRound}");

    // The best model and the early-stopping bookkeeping stay on the aggregator.
    private void FanOut() => Next(
        AggregatedModelValidation,
        @foreach: nameof(Collaborators),
        include: [nameof(Model), nameof(CurrentRound), nameof(MaxBatches)]);
}
