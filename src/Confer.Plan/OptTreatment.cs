namespace Confer.Plan;

/// <summary>What a collaborator does with its optimizer state between rounds (OpenFL's <c>opt_treatment</c>).</summary>
public enum OptTreatment
{
    /// <summary><c>RESET</c>: a fresh optimizer every round (default).</summary>
    Reset,

    /// <summary><c>CONTINUE_LOCAL</c>: the collaborator keeps its own optimizer state across rounds.</summary>
    ContinueLocal,

    /// <summary><c>CONTINUE_GLOBAL</c>: the optimizer state is aggregated with the model and sent back.</summary>
    ContinueGlobal,
}
