namespace Confer.Workflow.Tests.Flows;

/// <summary>
/// A deterministic federated averaging flow without torch: each collaborator nudges the weights
/// towards its private data, the join averages them. Mirrors OpenFL's FederatedFlow shape.
/// </summary>
internal sealed class AveragingFlow : Flow<AveragingFlow>
{
    public double[] Weights { get; set; } = new double[8];

    public int Rounds { get; set; } = 3;

    public int CurrentRound { get; set; }

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int Private { get; set; }

    public double Score { get; set; }

    public bool TrainingCompleted { get; set; }

    public bool SecretOk { get; set; }

    public bool AllSecretsOk { get; set; }

    public bool InputsCarriedPrivates { get; set; }

    public List<string> JoinOrder { get; set; } = [];

    [Private]
    public string? Secret { get; set; }

    [Private]
    public double[]? LocalData { get; set; }

    [Aggregator]
    public void Start()
    {
        Console.WriteLine("Performing initialization for model");
        Collaborators = Runtime!.Collaborators;
        Private = 10;
        CurrentRound = 0;
        Next(Validate, @foreach: nameof(Collaborators), exclude: [nameof(Private)]);
    }

    [Collaborator]
    public void Validate()
    {
        Score = Weights.Zip(LocalData!, (w, d) => Math.Abs(w - d)).Sum();
        Console.WriteLine($"{Input} value of {Score}");
        Next(Train);
    }

    [Collaborator]
    public void Train()
    {
        SecretOk = Secret == TestRuntime.SecretOf(Input!) && LocalData is not null;
        for (int i = 0; i < Weights.Length; i++)
        {
            Weights[i] += 0.5 * (LocalData![i] - Weights[i]) * Math.Sin(i + 1.0);
        }

        TrainingCompleted = true;
        Next(Join, exclude: [nameof(TrainingCompleted)]);
    }

    [Aggregator]
    public void Join(IReadOnlyList<AveragingFlow> inputs)
    {
        JoinOrder = [.. inputs.Select(i => i.Input!)];
        var sum = new double[Weights.Length];
        foreach (AveragingFlow input in inputs)
        {
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += input.Weights[i];
            }
        }

        Weights = [.. sum.Select(s => s / inputs.Count)];
        Score = inputs.Sum(i => i.Score) / inputs.Count;
        AllSecretsOk = inputs.All(i => i.SecretOk) && Secret == "SECRET-MARKER-aggregator-7f3a" && LocalData is null;
        InputsCarriedPrivates = inputs.Any(i => i.Secret is not null || i.LocalData is not null);
        Console.WriteLine($"Average aggregated model validation values = {Score}");
        CurrentRound++;
        if (CurrentRound < Rounds)
        {
            Next(Validate, @foreach: nameof(Collaborators), exclude: [nameof(Private)]);
        }
        else
        {
            Next(End);
        }
    }

    [Aggregator]
    public void End() => Console.WriteLine("This is the end of the flow");
}
