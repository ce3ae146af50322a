using Confer.Data;
using Confer.Torch;
using Confer.Workflow;

namespace Confer.Examples;

/// <summary>
/// OpenFL's FederatedFlow: start → aggregated_model_validation → train → local_model_validation →
/// join → (next round, or end). The network itself is state (carried through its model state);
/// each collaborator's train and test data are private attributes.
/// </summary>
internal sealed class FederatedFlow : Flow<FederatedFlow>
{
    private const double LearningRate = 0.01;
    private const double Momentum = 0.5;
    private const int LogInterval = 10;
    private const int BatchSize = 64;

    public FederatedFlow(OpenFlCnn? model = null, int rounds = 3)
    {
        Model = model ?? OpenFlCnn.Create(seed: 1);
        Rounds = rounds;
    }

    public OpenFlCnn? Model { get; set; }

    public int Rounds { get; set; }

    /// <summary>Caps the batches of each training epoch for quick runs; <see langword="null"/> trains on everything.</summary>
    public int? MaxBatches { get; set; }

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int Private { get; set; }

    public int CurrentRound { get; set; }

    public double AggValidationScore { get; set; }

    public double LocalValidationScore { get; set; }

    public double Loss { get; set; }

    public bool TrainingCompleted { get; set; }

    public double AverageLoss { get; set; }

    public double AggregatedModelAccuracy { get; set; }

    public double LocalModelAccuracy { get; set; }

    /// <summary>OpenFL's <c>train_loader</c>: this collaborator's strided quarter of the training set.</summary>
    [Private]
    public ImageDataset? TrainData { get; set; }

    /// <summary>OpenFL's <c>test_loader</c>: this collaborator's strided quarter of the test set.</summary>
    [Private]
    public ImageDataset? TestData { get; set; }

    [Aggregator]
    public void Start()
    {
        Console.WriteLine("Performing initialization for model");
        Collaborators = Runtime!.Collaborators;
        Private = 10;
        CurrentRound = 0;
        Next(AggregatedModelValidation, @foreach: nameof(Collaborators), exclude: [nameof(Private)]);
    }

    [Collaborator]
    public void AggregatedModelValidation()
    {
        Console.WriteLine($"Performing aggregated model validation for collaborator {Input}");
        AggValidationScore = Inference(Model!, TestData!);
        Console.WriteLine($"{Input} value of {AggValidationScore}");
        Next(Train);
    }

    [Collaborator]
    public void Train()
    {
        ImageDataset train = TrainData!;
        int batches = (train.Count + BatchSize - 1) / BatchSize;
        var progress = new ImmediateProgress<TrainProgress>(p =>
        {
            int batchIndex = p.BatchesDone - 1;
            if (batchIndex % LogInterval == 0)
            {
                Console.WriteLine(
                    $"Train Epoch: 1 [{batchIndex * BatchSize}/{train.Count} ({100.0 * batchIndex / batches:0}%)]\tLoss: {p.RunningLoss:0.000000}");
            }
        });
        TrainResult result = TorchLock.Train(CurrentRound, Input!, () =>
        {
            using var optimizer = new SgdOptimizer(Model!, LearningRate, Momentum);
            return Trainer.TrainEpoch(
                Model!,
                optimizer,
                train,
                epoch: CurrentRound + 1,
                new TrainOptions { BatchSize = BatchSize, Seed = 1, MaxBatches = MaxBatches },
                progress: progress);
        });
        Loss = result.Loss;
        TrainingCompleted = true;
        Next(LocalModelValidation);
    }

    [Collaborator]
    public void LocalModelValidation()
    {
        LocalValidationScore = Inference(Model!, TestData!);
        Console.WriteLine($"Doing local model validation for collaborator {Input}: {LocalValidationScore}");
        Next(Join, exclude: [nameof(TrainingCompleted)]);
    }

    [Aggregator]
    public void Join(IReadOnlyList<FederatedFlow> inputs)
    {
        AverageLoss = inputs.Sum(i => i.Loss) / inputs.Count;
        AggregatedModelAccuracy = inputs.Sum(i => i.AggValidationScore) / inputs.Count;
        LocalModelAccuracy = inputs.Sum(i => i.LocalValidationScore) / inputs.Count;
        Console.WriteLine($"Average aggregated model validation values = {AggregatedModelAccuracy}");
        Console.WriteLine($"Average training loss = {AverageLoss}");
        Console.WriteLine($"Average local model validation values = {LocalModelAccuracy}");
        Model?.Dispose();
        Model = OpenFlCnnCodec.FedAvg(inputs.Select(i => i.Model!));
        foreach (FederatedFlow input in inputs)
        {
            input.Model?.Dispose();
        }

        CurrentRound++;
        if (CurrentRound < Rounds)
        {
            Next(AggregatedModelValidation, @foreach: nameof(Collaborators), exclude: [nameof(Private)]);
        }
        else
        {
            Next(End);
        }
    }

    [Aggregator]
    public void End() => Console.WriteLine("This is the end of the flow");

    private static double Inference(OpenFlCnn model, ImageDataset test) => TorchLock.Run(() => Trainer.Evaluate(model, test).Accuracy);
}
