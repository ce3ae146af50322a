namespace Confer.Federation;

/// <summary>The stages of a round, in order.</summary>
public enum RoundPhase
{
    /// <summary>Clients train the global model.</summary>
    Fit = 1,

    /// <summary>The aggregator evaluates the new global model on its own data.</summary>
    CentralizedEvaluate = 2,

    /// <summary>Clients evaluate the new global model on their data.</summary>
    Evaluate = 3,

    /// <summary>The round is over; <see cref="RoundProgress.Record"/> holds its record.</summary>
    Completed = 4,
}
