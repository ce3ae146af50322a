namespace Confer.Torch;

/// <summary>What a collaborator does with its optimizer state between rounds (OpenFL's <c>opt_treatment</c>).</summary>
public enum OptimizerTreatment
{
    /// <summary>Start every round with a fresh optimizer state (<c>RESET</c>).</summary>
    Reset = 0,

    /// <summary>Keep the collaborator's own optimizer state from its previous round (<c>CONTINUE_LOCAL</c>).</summary>
    ContinueLocal = 1,

    /// <summary>Start from an optimizer state aggregated like the model and sent with it (<c>CONTINUE_GLOBAL</c>).</summary>
    ContinueGlobal = 2,
}
