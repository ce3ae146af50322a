namespace Confer.Cli.Commands.Simulate;

/// <summary>The parsed options of <c>confer simulate</c>.</summary>
internal sealed record SimulateSettings
{
    public required int Clients { get; init; }

    public required IReadOnlyList<string>? Names { get; init; }

    public required int Rounds { get; init; }

    public required string Strategy { get; init; }

    public required double FractionFit { get; init; }

    public required double FractionEvaluate { get; init; }

    /// <summary>With distributed evaluation: the share of each client's partition it holds out to evaluate on.</summary>
    public required double HoldOut { get; init; }

    public required int? MinFitClients { get; init; }

    public required int? MinEvaluateClients { get; init; }

    public required int? MinAvailableClients { get; init; }

    public required bool AcceptFailures { get; init; }

    public required IReadOnlyDictionary<string, string> StrategyOptions { get; init; }

    public required string Partition { get; init; }

    public required int Seed { get; init; }

    public required int LocalEpochs { get; init; }

    public required int BatchSize { get; init; }

    public required double LearningRate { get; init; }

    public required double Momentum { get; init; }

    public required int MaxParallel { get; init; }

    public required int? TorchThreads { get; init; }

    public required double? RoundTimeoutSeconds { get; init; }

    public required string Output { get; init; }

    public required string? Data { get; init; }

    public required (double Mean, double Std)? Normalize { get; init; }

    public required int? TrainLimit { get; init; }

    public required int? TestLimit { get; init; }

    public required string? App { get; init; }

    public required IReadOnlyDictionary<string, string> AppSettings { get; init; }
}
